import Foundation

/// The directory holding the built products (`dqn`, the test bundle), found from the test bundle's location.
func productsDirectory() -> URL {
  for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
    return bundle.bundleURL.deletingLastPathComponent()
  }
  return Bundle.main.bundleURL
}

/// The repository root (it holds Package.swift, Environments/, Agents/).
func repositoryRoot() -> URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
}

/// Runs the built `dqn` binary with `arguments` and returns its exit status and output.
///
/// The working directory is the repository root unless `directory` is given. `OPENBLAS_NUM_THREADS=1`
/// and `SDL_VIDEODRIVER=dummy` are set so runs are headless and deterministic.
func runDQN(
  _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
  input: String? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = productsDirectory().appendingPathComponent("dqn")
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? repositoryRoot()
  var variables = ProcessInfo.processInfo.environment
  variables["OPENBLAS_NUM_THREADS"] = "1"
  variables["SDL_VIDEODRIVER"] = variables["SDL_VIDEODRIVER"] ?? "dummy"
  for (key, value) in environment { variables[key] = value }
  process.environment = variables
  // Output goes to files, so a chatty process can never block on a full pipe.
  let scratch = try temporaryDirectory("dqn-run")
  defer { try? FileManager.default.removeItem(at: scratch) }
  let outputURL = scratch.appendingPathComponent("stdout")
  let errorURL = scratch.appendingPathComponent("stderr")
  _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
  let outputHandle = try FileHandle(forWritingTo: outputURL)
  let errorHandle = try FileHandle(forWritingTo: errorURL)
  process.standardOutput = outputHandle
  process.standardError = errorHandle
  if let input {
    let inputURL = scratch.appendingPathComponent("stdin")
    try Data(input.utf8).write(to: inputURL)
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
  } else {
    process.standardInput = FileHandle.nullDevice
  }
  try process.run()
  process.waitUntilExit()
  try outputHandle.close()
  try errorHandle.close()
  return (
    process.terminationStatus,
    String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
    String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
  )
}

/// A fresh temporary directory, unique per call.
func temporaryDirectory(_ label: String = "dqn-test") throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "\(label)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
