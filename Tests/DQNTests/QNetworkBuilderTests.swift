import NeuralNetwork
import Testing
@testable import DQN

@Suite struct QNetworkBuilderTests {
  @Test(arguments: [
    (NetworkKind.small, false, [1, 10, 5]), (.small, true, [1, 10, 5]), (.minatar, false, [4, 10, 10]),
    (.minatar, true, [4, 10, 10]), (.nature, false, [4, 84, 84]),
    (.minatarLayerNorm, false, [4, 10, 10]), (.minatarLayerNorm, true, [4, 10, 10]),
  ])
  func buildsNetworksWithTheRightOutputs(kind: NetworkKind, dueling: Bool, inputShape: [Int]) throws {
    let network = try QNetworkBuilder.make(kind, dueling: dueling, inputShape: inputShape, actionCount: 6, seed: 1)
    #expect(network.outputShape(for: inputShape) == [6])
    let q = network(Tensor(shape: [2] + inputShape, repeating: 0.5))
    #expect(q.shape == [2, 6])
    #expect(!network.computesInputGradient)
  }

  @Test func minatarHasMinAtarsLayersAndStableNames() throws {
    let network = try QNetworkBuilder.make(.minatar, dueling: false, inputShape: [4, 10, 10], actionCount: 6, seed: 1)
    let shapes = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0.value.shape) })
    #expect(shapes == [
      "conv1.weight": [16, 4, 3, 3], "conv1.bias": [16], "fc1.weight": [128, 1024], "fc1.bias": [128],
      "fc2.weight": [6, 128], "fc2.bias": [6],
    ])
  }

  @Test func natureRefusesTinyBoards() {
    #expect(throws: NetworkShapeError.self) {
      try QNetworkBuilder.make(.nature, dueling: false, inputShape: [1, 10, 5], actionCount: 3, seed: 1)
    }
  }

  @Test func sameSeedSameWeights() throws {
    let a = try QNetworkBuilder.make(.small, dueling: true, inputShape: [1, 10, 5], actionCount: 3, seed: 7)
    let b = try QNetworkBuilder.make(.small, dueling: true, inputShape: [1, 10, 5], actionCount: 3, seed: 7)
    #expect(a.namedTensors == b.namedTensors)
  }

  @Test func targetSyncCopiesByNameAndNeverAliases() throws {
    let online = try QNetworkBuilder.make(.small, dueling: false, inputShape: [1, 10, 5], actionCount: 3, seed: 1)
    let target = try QNetworkBuilder.make(.small, dueling: false, inputShape: [1, 10, 5], actionCount: 3, seed: 2)
    target.copyParameters(from: online)
    #expect(target.namedTensors == online.namedTensors)
    let before = target.namedTensors
    for parameter in online.parameters { parameter.value.add(Tensor(shape: parameter.value.shape, repeating: 1)) }
    #expect(target.namedTensors == before)
    #expect(target.namedTensors != online.namedTensors)
  }
}
