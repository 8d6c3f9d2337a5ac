import Foundation
import Testing
@testable import GridGames

@Suite struct TemporaryBenchTests {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["BENCH_ENV"] != nil))
  func bench() throws {
    let definitions = try EnvironmentCatalog.definitions(in: repositoryEnvironmentsDirectory())
    for definition in definitions {
      let single = try EnvironmentBenchmark.measure(definition, steps: 100_000, runs: 5)
      let vector = try EnvironmentBenchmark.measureVector(definition, count: 8, steps: 12_500, runs: 5)
      print("BENCH \(definition.name) single \(Int(single.stepsPerSecond.median)) min \(Int(single.stepsPerSecond.minimum)) max \(Int(single.stepsPerSecond.maximum)) vector8 \(Int(vector.stepsPerSecond.median))")
    }
  }
}
