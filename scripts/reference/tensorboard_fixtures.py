#!/usr/bin/env python3
"""Writes the known-answer fixtures of Tests/TensorBoardTests with TensorBoard's own code.

Reference only (nothing in the build or the tests runs Python):
    python3 -m pip install tensorboard
    python3 scripts/reference/tensorboard_fixtures.py Tests/TensorBoardTests/Fixtures

Each event below is built with TensorBoard's protobuf classes, serialised, and framed by its
TFRecord writer; the Swift encoder must produce the same bytes.
"""
import os
import sys

from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.summary.writer.record_writer import RecordWriter

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)

version = Event(wall_time=1700000000.25, file_version="brain.Event:2")
scalar = Event(wall_time=1700000001.5, step=1234,
               summary=Summary(value=[Summary.Value(tag="charts/episodic_return", simple_value=-0.75),
                                      Summary.Value(tag="losses/td_loss", simple_value=0.015625)]))
image = Event(wall_time=1700000002.0, step=300000,
              summary=Summary(value=[Summary.Value(
                  tag="eval/frame",
                  image=Summary.Image(height=2, width=3, colorspace=1,
                                      encoded_image_string=bytes([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])))]))
text = Event(wall_time=1700000003.0, step=0,
             summary=Summary(value=[Summary.Value(
                 tag="preset",
                 metadata=SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text")),
                 tensor=TensorProto(dtype=7, tensor_shape=TensorShapeProto(),
                                    string_val=["network: minatar\nbatchSize: 32 — ünïcode".encode()]))]))

for name, event in [("version", version), ("scalar", scalar), ("image", image), ("text", text)]:
    with open(os.path.join(out, f"event-{name}.bin"), "wb") as f:
        f.write(event.SerializeToString())


class Sink:
    def __init__(self):
        self.data = b""

    def write(self, data):
        self.data += data

    def flush(self):
        pass

    def close(self):
        pass


sink = Sink()
writer = RecordWriter(sink)
for event in [version, scalar, image, text]:
    writer.write(event.SerializeToString())
with open(os.path.join(out, "events.tfrecord"), "wb") as f:
    f.write(sink.data)
print("wrote", sorted(os.listdir(out)))
