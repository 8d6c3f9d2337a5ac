/// Inference-time evaluation of a classifier.
public enum Classifier {
  /// Accuracy and the confusion matrix (`confusion[true][predicted]`) of `network` on `data`.
  public static func evaluate(_ network: Layer, on data: Dataset, batchSize: Int = 500) -> (
    accuracy: Double, confusion: [[Int]]
  ) {
    var confusion = Array(repeating: Array(repeating: 0, count: data.classes), count: data.classes)
    var batch = Tensor.empty
    var correct = 0
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let indices = Array(start..<min(start + batchSize, data.count))
      data.gather(indices, into: &batch)
      let predictions = network(batch).argmaxRows()
      for (index, predicted) in zip(indices, predictions) {
        let truth = data.labels[index]
        if predicted < data.classes { confusion[truth][predicted] += 1 }
        if predicted == truth { correct += 1 }
      }
    }
    return (Double(correct) / Double(max(data.count, 1)), confusion)
  }
}
