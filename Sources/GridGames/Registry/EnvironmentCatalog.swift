import Foundation

/// The environment files on disk.
public enum EnvironmentCatalog {
  /// The default `Environments/` directory: `./Environments` if it exists, else the first
  /// `Environments/` found walking up from the running executable (so `dqn` built in `.build/…`
  /// finds the repository's files), else `./Environments`.
  public static func defaultEnvironmentsDirectory() -> URL {
    let fileManager = FileManager.default
    let current = URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Environments")
    if isDirectory(current) { return current }
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    while directory.path != "/" && !directory.path.isEmpty {
      let candidate = directory.appendingPathComponent("Environments")
      if isDirectory(candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return current
  }

  private static func isDirectory(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// The environment names (`NAME` of each `NAME.yaml`) in `directory`, sorted.
  public static func names(in directory: URL) -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// Every definition in `directory`, sorted by name.
  ///
  /// - Throws: the first file's `EnvironmentError`, if any file is invalid.
  public static func definitions(in directory: URL) throws(EnvironmentError) -> [EnvironmentDefinition] {
    var result: [EnvironmentDefinition] = []
    for name in names(in: directory) {
      result.append(try EnvironmentDefinition.load(from: directory.appendingPathComponent(name + ".yaml")))
    }
    return result
  }
}

extension EnvironmentDefinition {
  /// See `EnvironmentCatalog.defaultEnvironmentsDirectory()`.
  public static func defaultEnvironmentsDirectory() -> URL {
    EnvironmentCatalog.defaultEnvironmentsDirectory()
  }
}
