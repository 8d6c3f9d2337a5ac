#!/usr/bin/env python3
"""Loads a run's event files with TensorBoard's own EventAccumulator and prints, for every tag,
how many points it holds and the last one: proof that TensorBoard reads what `dqn train` writes.

Reference only (nothing in the build or the tests runs Python):
    python3 -m pip install tensorboard
    python3 scripts/reference/tensorboard_summary.py Agents/runs/catch-<date>-<time>
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

if len(sys.argv) != 2:
    sys.exit("usage: tensorboard_summary.py RUN_DIR")

accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "images": 0, "tensors": 0})
accumulator.Reload()
tags = accumulator.Tags()
for tag in sorted(tags.get("scalars", [])):
    events = accumulator.Scalars(tag)
    steps = [e.step for e in events]
    assert steps == sorted(steps), f"{tag}: steps go backwards"
    assert len(set(steps)) == len(steps), f"{tag}: a step appears twice"
    last = events[-1]
    print(f"scalar {tag:28s} points {len(events):6d}  last step {last.step:8d}  value {last.value:.4f}")
for tag in sorted(tags.get("images", [])):
    events = accumulator.Images(tag)
    last = events[-1]
    print(f"image  {tag:28s} points {len(events):6d}  last step {last.step:8d}  {last.width}x{last.height}, {len(last.encoded_image_string)} bytes")
for tag in sorted(tags.get("tensors", [])):
    events = accumulator.Tensors(tag)
    last = events[-1]
    text = last.tensor_proto.string_val[0].decode() if last.tensor_proto.string_val else ""
    print(f"text   {tag:28s} points {len(events):6d}  last step {last.step:8d}  {len(text)} characters, first line: {text.splitlines()[0] if text else ''}")
