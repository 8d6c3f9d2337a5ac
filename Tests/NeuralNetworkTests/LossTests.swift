import Foundation
import Testing

@testable import NeuralNetwork

@Suite struct LossTests {
  @Test(arguments: [2, 3, 10])
  func equalLogitsGiveLogOfClassCount(classes: Int) {
    let loss = SoftmaxCrossEntropy()
    let value = loss.forward(Tensor(shape: [4, classes], repeating: 0.7), labels: [0, 1, 1, 0])
    #expect(abs(value - Float(Foundation.log(Double(classes)))) < 1e-5)
  }

  @Test func softmaxRowsSumToOneAndSurviveLargeLogits() {
    let probabilities = softmax(Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -5, 0, 5]))
    for row in 0..<2 {
      let total = (0..<3).map { probabilities[row, $0] }.reduce(0, +)
      #expect(abs(total - 1) < 1e-5)
    }
    #expect(probabilities.isFinite)
    #expect(abs(probabilities[0, 2] - 0.66524) < 1e-4)
  }

  @Test func huberPiecesAreContinuous() {
    #expect(huber(0.5) == 0.125)
    #expect(huber(-3) == 2.5)
    #expect(abs(huber(1.0001) - huber(0.9999)) < 1e-3)
    #expect(huberGradient(3) == 1)
    #expect(huberGradient(-0.25) == -0.25)
  }
}
