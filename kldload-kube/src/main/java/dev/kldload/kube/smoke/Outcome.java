package dev.kldload.kube.smoke;

/** A check's result word, as printed in every output format. */
public enum Outcome {
  PASS,
  FAIL,
  WARN,
  SKIP
}
