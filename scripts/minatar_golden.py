"""minatar_golden.py -- golden traces of the reference MinAtar games for the GridGames tests.

Writes Tests/GridGamesTests/Fixtures/minatar/<game>.trace (one file per game) and
Tests/GridGamesTests/Fixtures/numpy_randomstate.txt (numpy legacy RandomState draws).

Set-up (once):  python3 -m venv /tmp/mvenv && /tmp/mvenv/bin/pip install minatar==1.0.15
Usage:          /tmp/mvenv/bin/python scripts/minatar_golden.py [--out Tests/GridGamesTests/Fixtures]

Each episode is exactly what a user of the reference does:
    env = minatar.Environment(game, sticky_action_prob=p, difficulty_ramping=r)
    env.seed(seed); env.reset()
    then env.act(a) for each action, until the episode ends or `cap` steps.
Actions come from a separate RandomState (uniformly random, or a randomised heuristic that
survives longer, so that the traces reach difficulty ramping, brick refills and car re-rolls).

Trace format (text, one file per game):
    minatar-trace 1 game=<game> channels=<C> height=10 width=10
    episode seed=<s> sticky=<p> ramping=<0|1> steps=<n> terminal=<0|1> ramp=<final ramp or -1>
    s:<toggles>                      the state after reset, as toggles from the all-false state
    <a>[r<reward>][t]:<toggles>      one line per act: the action passed to act(), the reward if
                                     non-zero, 't' if terminal, and the state bits that changed
The state bit of (channel c, row y, column x) has index c*100 + y*10 + x; a toggle is that
index written as two base-32 digits (0-9a-v), most significant first.
"""
import argparse
import copy
import os

import numpy as np
import minatar

DIGITS = "0123456789abcdefghijklmnopqrstuv"
GAMES = ["breakout", "freeway", "asterix", "seaquest", "space_invaders"]
FILE_NAMES = {"space_invaders": "space-invaders"}


def bits(env):
    # channel-major flat bool vector: index c*100 + y*10 + x
    return np.transpose(env.state(), (2, 0, 1)).reshape(-1).copy()


def toggles(prev, cur):
    idx = np.nonzero(prev != cur)[0]
    return "".join(DIGITS[i // 32] + DIGITS[i % 32] for i in idx)


# ---------------------------------------------------------------- randomised heuristics
def toward(dx, dy=0):
    # actions: 0 n, 1 l, 2 u, 3 r, 4 d, 5 f
    if dx < 0:
        return 1
    if dx > 0:
        return 3
    if dy < 0:
        return 2
    if dy > 0:
        return 4
    return 0


def breakout_landing(g):
    # follow the ball's diagonal (ignoring bricks) to the column where it reaches the paddle row
    x, y, d = g.ball_x, g.ball_y, g.ball_dir
    for _ in range(40):
        nx = x + (1 if d in (1, 2) else -1)
        ny = y + (1 if d in (2, 3) else -1)
        if nx < 0 or nx > 9:
            nx = min(max(nx, 0), 9)
            d = [1, 0, 3, 2][d]
        if ny < 0:
            ny = 0
            d = [3, 2, 1, 0][d]
        if ny == 9:
            return x
        x, y = nx, ny
    return g.ball_x


def safe(g, px, py):
    for e in g.entities:
        if e is not None and not e[3] and e[1] == py:
            step = 1 if e[2] else -1
            if e[0] == px or e[0] + step == px or e[0] + 2 * step == px:
                return False
    return True


def heuristic(game, g, rng):
    if game == "breakout":
        # one-step lookahead: the first move after which the landing heuristic survives 30 steps
        for a in (toward(breakout_landing(g) - g.pos), 0, 1, 3):
            sim = copy.deepcopy(g)
            sim.act(a)
            for _ in range(30):
                if sim.terminal:
                    break
                sim.act(toward(breakout_landing(sim) - sim.pos))
            if not sim.terminal:
                return a
        return toward(breakout_landing(g) - g.pos)
    if game == "freeway":
        return 2 if rng.rand() < 0.85 else 4
    if game == "asterix":
        moves = [(0, 0, 0), (1, -1, 0), (2, 0, -1), (3, 1, 0), (4, 0, 1)]
        options = []
        for a, dx, dy in moves:
            px = min(max(g.player_x + dx, 0), 9)
            py = min(max(g.player_y + dy, 1), 8)
            if safe(g, px, py):
                gold = any(e is not None and e[3] and e[1] == py for e in g.entities)
                options.append((gold, a))
        if not options:
            return int(rng.randint(5))
        best = [a for gold, a in options if gold]
        pool = best if best else [a for _, a in options]
        return pool[int(rng.randint(len(pool)))]
    if game == "seaquest":
        if g.diver_count > 0 and (g.oxygen < 50 or g.diver_count >= 3):
            return 2
        for z in g.e_subs + g.e_fish:
            if z[1] == g.sub_y:
                ahead = (z[0] > g.sub_x) == g.sub_or
                return 5 if ahead else (3 if z[0] > g.sub_x else 1)
        if g.divers:
            d = g.divers[0]
            if d[1] != g.sub_y:
                return toward(0, d[1] - g.sub_y)
            return toward(d[0] - g.sub_x)
        return 4 if g.sub_y < 4 else 0
    if game == "space_invaders":
        def danger(col):
            return g.e_bullet_map[5:10, col].any() or g.alien_map[8:10, col].any()
        if danger(g.pos):
            for c in (g.pos - 1, g.pos + 1):
                if 0 <= c <= 9 and not danger(c):
                    return 1 if c < g.pos else 3
        cols = np.nonzero(g.alien_map.sum(axis=0))[0]
        if len(cols):
            target = cols[np.argmin(np.abs(cols - g.pos))]
            if target == g.pos:
                return 5
            nxt = g.pos + (1 if target > g.pos else -1)
            if not danger(nxt):
                return toward(target - g.pos)
            return 5
        return 5
    raise ValueError(game)


def run_episode(game, seed, sticky, ramping, policy, epsilon, cap):
    env = minatar.Environment(game, sticky_action_prob=sticky, difficulty_ramping=ramping)
    env.seed(seed)
    env.reset()
    actions = np.random.RandomState((10_000 + seed) % 2**32)
    prev = bits(env)
    lines = ["s:" + toggles(np.zeros_like(prev), prev)]
    terminal = False
    steps = 0
    while not terminal and steps < cap:
        if policy == "uniform" or actions.rand() < epsilon:
            a = int(actions.randint(6))
        else:
            a = heuristic(game, env.env, actions)
        r, terminal = env.act(a)
        cur = bits(env)
        line = str(a)
        if r:
            line += "r%d" % int(r)
        if terminal:
            line += "t"
        lines.append(line + ":" + toggles(prev, cur))
        prev = cur
        steps += 1
    ramp = env.env.difficulty_ramp()
    header = "episode seed=%d sticky=%s ramping=%d steps=%d terminal=%d ramp=%d" % (
        seed, repr(sticky), int(ramping), steps, int(terminal), -1 if ramp is None else ramp)
    return header, lines, steps, ramp


def write_game(game, out_dir):
    plan = []
    # 12 uniformly random episodes with the reference defaults
    for seed in range(12):
        plan.append((seed, 0.1, True, "uniform", 1.0, 3000))
    # 8 longer ones from a randomised heuristic (reaches ramping / refills / re-rolls)
    for seed in range(100, 108):
        plan.append((seed, 0.1, True, "heuristic", 0.05, 3000))
    # other settings: no sticky actions, heavy sticky actions, no ramping, a large seed
    plan.append((200, 0.0, True, "heuristic", 0.2, 1500))
    plan.append((201, 0.5, True, "uniform", 1.0, 1500))
    plan.append((202, 0.1, False, "heuristic", 0.2, 1500))
    plan.append((4_294_967_295, 0.1, True, "heuristic", 0.3, 1500))
    channels = len(minatar.Environment(game).env.channels)
    text = ["minatar-trace 1 game=%s channels=%d height=10 width=10" % (FILE_NAMES.get(game, game), channels)]
    summary = []
    for seed, sticky, ramping, policy, eps, cap in plan:
        header, lines, steps, ramp = run_episode(game, seed, sticky, ramping, policy, eps, cap)
        text.append(header)
        text.extend(lines)
        summary.append((steps, ramp))
    path = os.path.join(out_dir, "minatar", FILE_NAMES.get(game, game) + ".trace")
    with open(path, "w") as f:
        f.write("\n".join(text) + "\n")
    print(game, "episodes", len(plan), "steps", [s for s, _ in summary], "ramps", [r for _, r in summary],
          "bytes", os.path.getsize(path))


def write_random_state(out_dir):
    """Known answers for the numpy legacy RandomState calls the games make."""
    out = []
    for seed in [0, 1, 42, 12345, 4294967295]:
        rs = np.random.RandomState(seed)
        out.append("seed %d" % seed)
        out.append("rand " + " ".join(float(rs.rand()).hex() for _ in range(8)))
        for high in [1, 2, 3, 5, 6, 7, 8, 9, 10, 100, 1000, 2**31, 2**32 - 1, 2**32, 2**40 + 3]:
            out.append("randint %d %s" % (high, " ".join(str(int(rs.randint(high))) for _ in range(6))))
        out.append("randint_range 1 9 " + " ".join(str(int(rs.randint(low=1, high=9))) for _ in range(6)))
        out.append("randint_size 1 6 8 " + " ".join(str(int(v)) for v in rs.randint(1, 6, 8)))
        out.append("rand_size 8 " + " ".join(float(v).hex() for v in rs.rand(8)))
    for key in [[5, 7], [0, 1], [4294967295, 4294967295]]:
        rs = np.random.RandomState(key)
        out.append("key %d %d" % tuple(key))
        out.append("rand " + " ".join(float(rs.rand()).hex() for _ in range(8)))
        out.append("randint 6 " + " ".join(str(int(rs.randint(6))) for _ in range(6)))
    with open(os.path.join(out_dir, "numpy_randomstate.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="Tests/GridGamesTests/Fixtures")
    ap.add_argument("--games", default=",".join(GAMES))
    args = ap.parse_args()
    assert minatar.__file__ and np.__version__
    os.makedirs(os.path.join(args.out, "minatar"), exist_ok=True)
    write_random_state(args.out)
    for game in args.games.split(","):
        write_game(game, args.out)


if __name__ == "__main__":
    main()
