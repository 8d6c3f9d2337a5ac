import Foundation
import Testing
@testable import DQN

@Suite struct TrainingBenchmarkTests {
  @Test func figureJSONHasTheBenchKeysRounded() throws {
    let figure = TrainingBenchmark.Figure(
      environment: "breakout", trainFrequency: 4, steps: 1_500, updates: 125, seconds: 0.26789, learningSeconds: 0.2)
    let text = try figure.json()
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["name"] as? String == "train" && object["env"] as? String == "breakout")
    #expect(object["train_frequency"] as? Int == 4 && object["steps"] as? Int == 1_500 && object["updates"] as? Int == 125)
    #expect(object["seconds"] as? Double == 0.268)
    #expect(object["steps_per_s"] as? Double == 5599.3)
    #expect(object["learning_fraction"] as? Double == 0.747)
    #expect(text.hasPrefix("{\"env\":\"breakout\","))
  }
}
