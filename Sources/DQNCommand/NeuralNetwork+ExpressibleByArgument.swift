import ArgumentParser
import NeuralNetwork

// The library's enums as command-line values (`--model simple-cnn`, `--optimizer adam`, `--schedule cosine`).

extension ModelPreset: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
