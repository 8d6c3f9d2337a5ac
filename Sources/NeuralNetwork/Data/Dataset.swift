import Foundation

/// Labelled images `[count, C, H, W]` with shuffled mini-batches and seeded splits.
public struct Dataset: Sendable {
  public private(set) var images: Tensor
  public private(set) var labels: [Int]
  public let classes: Int

  public init(images: Tensor, labels: [Int], classes: Int = 10) {
    precondition(images.rank == 4 && images.shape[0] == labels.count,
      "Dataset needs [N, C, H, W] images and N labels, got \(images.shape) and \(labels.count)")
    self.images = images
    self.labels = labels
    self.classes = classes
  }

  /// The number of samples.
  public var count: Int { labels.count }
  /// The per-sample shape `[C, H, W]`.
  public var sampleShape: [Int] { Array(images.shape.dropFirst()) }

  /// Loads a data set from a directory holding one `*images-idx3-ubyte` and one `*labels-idx1-ubyte`
  /// file (each optionally `.gz`), or from a CSV file of 8×8 digits.
  public static func load(_ path: String, classes: Int = 10) throws -> Dataset {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DataError.missing(file: path)
    }
    let url = URL(fileURLWithPath: path)
    if !isDirectory.boolValue {
      let (images, labels) = try CSVReader.read(url, classes: classes)
      return Dataset(images: images, labels: labels, classes: classes)
    }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    func find(_ marker: String) throws -> URL {
      let matches = names.filter { name in
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return base.hasSuffix(marker)
      }.sorted()
      guard let first = matches.first else {
        throw DataError.noDataFiles(directory: path, detail: "no file ending in '\(marker)' (or '\(marker).gz')")
      }
      guard matches.count == 1 else {
        throw DataError.noDataFiles(directory: path, detail: "several files end in '\(marker)': \(matches.joined(separator: ", "))")
      }
      return url.appendingPathComponent(first)
    }
    let imagesURL = try find("images-idx3-ubyte")
    let labelsURL = try find("labels-idx1-ubyte")
    let images = try IDXReader.readImages(imagesURL)
    let labels = try IDXReader.readLabels(labelsURL, classes: classes)
    guard images.shape[0] == labels.count else {
      throw DataError.mismatchedCounts(
        images: imagesURL.path, imageCount: images.shape[0], labels: labelsURL.path, labelCount: labels.count)
    }
    return Dataset(images: images, labels: labels, classes: classes)
  }

  /// The samples at `indices`, in that order.
  public func subset(_ indices: [Int]) -> Dataset {
    var batch = Tensor.empty
    gather(indices, into: &batch)
    return Dataset(images: batch, labels: indices.map { labels[$0] }, classes: classes)
  }

  /// Splits off a random `validationFraction` of the samples (seeded), returning (train, validation).
  public func split<G: RandomNumberGenerator>(validationFraction: Double, using rng: inout G) -> (
    train: Dataset, validation: Dataset
  ) {
    precondition((0..<1).contains(validationFraction), "validation fraction must be in [0, 1), but is \(validationFraction)")
    var order = Array(0..<count)
    rng.shuffle(&order)
    let validationCount = Int((Double(count) * validationFraction).rounded())
    return (subset(Array(order[validationCount...])), subset(Array(order[..<validationCount])))
  }

  /// Draws `trainingCount` samples at random (seeded) to train on and holds out all the others,
  /// returning (train, held out): few labelled images, tested on the rest.
  ///
  /// - Precondition: `0 < trainingCount < count`.
  public func split<G: RandomNumberGenerator>(trainingCount: Int, using rng: inout G) -> (
    train: Dataset, heldOut: Dataset
  ) {
    precondition(trainingCount > 0 && trainingCount < count, "training count must be in 1..<\(count), but is \(trainingCount)")
    var order = Array(0..<count)
    rng.shuffle(&order)
    return (subset(Array(order[..<trainingCount])), subset(Array(order[trainingCount...])))
  }

  /// Copies the images at `indices` into `batch` (resized to `[indices.count, C, H, W]`).
  public func gather(_ indices: [Int], into batch: inout Tensor) {
    let size = sampleShape.reduce(1, *)
    batch.resize(to: [indices.count] + sampleShape)
    images.withUnsafeBufferPointer { source in
      batch.withUnsafeMutableBufferPointer { target in
        for (row, index) in indices.enumerated() {
          let from = index * size
          let to = row * size
          for offset in 0..<size { target[to + offset] = source[from + offset] }
        }
      }
    }
  }

  /// Shuffled mini-batches of indices covering the data once (the last may be smaller).
  public func batches<G: RandomNumberGenerator>(size: Int, using rng: inout G) -> [[Int]] {
    precondition(size > 0, "batch size must be positive, but is \(size)")
    var order = Array(0..<count)
    rng.shuffle(&order)
    return stride(from: 0, to: count, by: size).map { Array(order[$0..<min($0 + size, count)]) }
  }
}
