import ArgumentParser
import Foundation
import NeuralNetwork

/// `dqn supervised search`: the book's random search over learning rate and weight decay.
struct SupervisedSearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Random search over learning rate and weight decay, judged on validation data only.")

  @OptionGroup var options: SupervisedTrainingOptions

  @Option(help: "Network to tune.")
  var model: ModelPreset = .simpleCNN

  @Option(help: "Number of random settings to try.")
  var trials: Int = 10

  @Option(help: "Epochs per trial.")
  var epochs: Int = 2

  @Option(help: "Lower end of the learning-rate range, sampled log-uniformly.")
  var learningRateMin: Float = 1e-4
  @Option(help: "Upper end of the learning-rate range.")
  var learningRateMax: Float = 1e-2
  @Option(help: "Lower end of the weight-decay range, sampled log-uniformly.")
  var weightDecayMin: Float = 1e-8
  @Option(help: "Upper end of the weight-decay range.")
  var weightDecayMax: Float = 1e-3

  func validate() throws {
    guard trials > 0, epochs > 0 else { throw ValidationError("--trials and --epochs must be positive") }
    guard learningRateMin > 0, learningRateMin <= learningRateMax else {
      throw ValidationError("need 0 < --learning-rate-min ≤ --learning-rate-max")
    }
    guard weightDecayMin > 0, weightDecayMin <= weightDecayMax else {
      throw ValidationError("need 0 < --weight-decay-min ≤ --weight-decay-max")
    }
    guard options.heldOutFraction > 0 || options.trainLimit != nil else { throw ValidationError("search needs --validation-fraction > 0") }
  }

  func run() throws {
    let (train, validationSet) = try options.loadSplit()
    guard let validation = validationSet, validation.count > 0 else {
      throw CommandError("the validation split is empty; raise --validation-fraction")
    }
    let search = RandomSearch(
      learningRateRange: learningRateMin...learningRateMax, weightDecayRange: weightDecayMin...weightDecayMax,
      trials: trials, epochs: epochs, batchSize: options.batchSize, optimizer: options.optimizer,
      preset: model, seed: options.seed)
    let ranked = search.run(train: train, validation: validation) { trial in
      print(String(format: "trial %3d  lr %.3e  weight decay %.3e  validation %.4f", trial.index, trial.learningRate, trial.weightDecay, trial.validationAccuracy))
    }
    print("\nrank  trial  learning rate  weight decay  validation  train")
    for (rank, trial) in ranked.enumerated() {
      print(String(format: "%4d  %5d  %13.3e  %12.3e  %10.4f  %.4f", rank + 1, trial.index, trial.learningRate, trial.weightDecay, trial.validationAccuracy, trial.trainAccuracy))
    }
    if let best = ranked.first {
      print(String(format: "best: --learning-rate %.3e --weight-decay %.3e (validation %.4f)", best.learningRate, best.weightDecay, best.validationAccuracy))
    }
  }
}
