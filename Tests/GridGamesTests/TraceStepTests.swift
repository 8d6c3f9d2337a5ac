import Foundation
import Testing
@testable import GridGames

@Suite struct TraceStepTests {
  @Test func aTraceLineIsOneJSONObjectWithSortedKeys() throws {
    var state = GridState(channelNames: ["a", "b"], height: 2, width: 3)
    state[1, 1, 2] = true
    state[0, 0, 1] = true
    let reset = TraceStep(index: 0, action: nil, reward: 0, terminated: false, truncated: false, state: state)
    #expect(reset.jsonLine == """
      {"action":null,"reward":0,"state":[[[0,1,0],[0,0,0]],[[0,0,0],[0,0,1]]],"step":0,"terminated":false,"truncated":false}
      """)
    let step = TraceStep(index: 7, action: 2, reward: -0.01, terminated: true, truncated: false, state: state)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(step.jsonLine.utf8)) as? [String: Any])
    #expect(object["step"] as? Int == 7 && object["action"] as? Int == 2 && object["terminated"] as? Bool == true)
    #expect(Float(try #require(object["reward"] as? Double)) == -0.01)
    #expect(!step.jsonLine.contains("\n"))
  }
}
