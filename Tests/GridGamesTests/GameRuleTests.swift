import Testing
@testable import GridGames

/// Rule tests for each game, on the game logic itself.
@Suite struct GameRuleTests {
  @Test func catchPaysPlusOrMinusOneAfterNineSteps() {
    for seed in UInt64(0)..<20 {
      var random = RandomState(seed: seed)
      var game = Catch()
      game.reset(using: &random)
      let state = game.state()
      let ballX = (0..<5).first { state[0, 0, $0] } ?? -1
      // Move the paddle under the ball: it starts at column 2.
      var rewards: [Float] = []
      var ended: [Bool] = []
      for _ in 0..<9 {
        let paddle = (0..<5).first { game.state()[1, 9, $0] } ?? 2
        let action = ballX < paddle ? 0 : (ballX > paddle ? 2 : 1)
        let (reward, terminated) = game.step(action, using: &random)
        rewards.append(reward)
        ended.append(terminated)
      }
      #expect(rewards.dropLast().allSatisfy { $0 == 0 })
      #expect(rewards.last == 1)
      #expect(ended == Array(repeating: false, count: 8) + [true])
    }
    var random = RandomState(seed: 3)
    var game = Catch()
    game.reset(using: &random)
    let ballX = (0..<5).first { game.state()[0, 0, $0] } ?? 0
    let away = ballX >= 2 ? 0 : 2
    var last: (reward: Float, terminated: Bool) = (0, false)
    for _ in 0..<9 { last = game.step(away, using: &random) }
    #expect(last.reward == -1 && last.terminated)
  }

  @Test func breakoutBrickGivesPlusOne() {
    // Keep the paddle under the ball until it breaks a brick.
    var random = RandomState(seed: 1)
    var game = Breakout()
    game.reset(using: &random)
    var bricksBefore = game.state().count(channel: 3)
    var rewards: Float = 0
    for _ in 0..<200 {
      let state = game.state()
      let ballX = (0..<10).first { x in (0..<10).contains { state[1, $0, x] } } ?? 4
      let paddle = (0..<10).first { state[0, 9, $0] } ?? 4
      let (reward, terminated) = game.step(ballX < paddle ? 1 : (ballX > paddle ? 3 : 0), using: &random)
      if reward > 0 {
        #expect(reward == 1)
        #expect(game.state().count(channel: 3) == bricksBefore - 1)
        rewards += reward
        break
      }
      bricksBefore = game.state().count(channel: 3)
      if terminated { break }
    }
    #expect(rewards == 1)
  }

  @Test func freewayEndsAfter2500Frames() {
    var random = RandomState(seed: 5)
    var game = Freeway()
    game.reset(using: &random)
    var steps = 0
    var terminated = false
    while !terminated {
      terminated = game.step(0, using: &random).terminated
      steps += 1
    }
    // The reference decrements its 2500-frame timer after each act and ends when it drops below 0.
    #expect(steps == 2501)
  }

  @Test func mazeRewardsGoalLavaAndStepCost() throws {
    let layout = try MazeLayout(text: "#####\n#SLG#\n#...#\n#####")
    var random = RandomState(seed: 0)
    var maze = Maze(layout: layout)
    maze.reset(using: &random)
    let intoLava = maze.step(1, using: &random)
    #expect(intoLava.reward == -1 && intoLava.terminated)
    maze.reset(using: &random)
    let down = maze.step(2, using: &random)
    #expect(down.reward == -0.01 && !down.terminated)
    let wall = maze.step(2, using: &random)  // into the wall: stays, pays the step cost
    #expect(wall.reward == -0.01 && maze.state()[3, 2, 1])
    _ = maze.step(1, using: &random)
    _ = maze.step(1, using: &random)
    let goal = maze.step(0, using: &random)
    #expect(goal.reward == 1 && goal.terminated)
  }

  @Test func randomMazeIsSeededAndSolvable() {
    var a = RandomState(seed: 9)
    var b = RandomState(seed: 9)
    let first = MazeLayout.random(rows: 9, columns: 9, using: &a)
    let second = MazeLayout.random(rows: 9, columns: 9, using: &b)
    #expect(first == second)
    // Flood fill from the start reaches the goal.
    var seen = Set([first.start.y * 9 + first.start.x])
    var frontier = [first.start]
    var reached = false
    while let (y, x) = frontier.popLast() {
      if first[y, x] == .goal { reached = true }
      for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)] where first[y + dy, x + dx] != .wall {
        if seen.insert((y + dy) * 9 + x + dx).inserted { frontier.append((y + dy, x + dx)) }
      }
    }
    #expect(reached)
  }

  @Test func snakeEatsGrowsAndDiesOnWalls() {
    var random = RandomState(seed: 2)
    var snake = Snake(rows: 6, columns: 6)
    snake.reset(using: &random)
    #expect(snake.state().count(channel: 1) == 2)
    // Run right into the wall: head starts at column 3, so the third move leaves the grid.
    var result: (reward: Float, terminated: Bool) = (0, false)
    var steps = 0
    while !result.terminated && steps < 10 {
      result = snake.step(1, using: &random)
      steps += 1
    }
    #expect(result.terminated && result.reward <= 1)
    // Reversing onto the neck is ignored.
    snake.reset(using: &random)
    let reverse = snake.step(3, using: &random)
    #expect(!reverse.terminated || reverse.reward == 1)
  }

  @Test func snakeFoodGivesPlusOne() {
    var random = RandomState(seed: 4)
    var snake = Snake(rows: 8, columns: 8)
    snake.reset(using: &random)
    var eaten = 0
    for _ in 0..<200 {
      let state = snake.state()
      var head = (0, 0)
      var food = (0, 0)
      for y in 0..<8 {
        for x in 0..<8 {
          if state[0, y, x] { head = (y, x) }
          if state[2, y, x] { food = (y, x) }
        }
      }
      let action = food.0 < head.0 ? 0 : (food.0 > head.0 ? 2 : (food.1 > head.1 ? 1 : 3))
      let (reward, terminated) = snake.step(action, using: &random)
      if reward == 1 { eaten += 1 }
      if terminated || eaten == 2 { break }
    }
    #expect(eaten >= 1)
  }
}
