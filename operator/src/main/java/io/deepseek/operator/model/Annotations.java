package io.deepseek.operator.model;

/** Every annotation key the operator sets on the objects it owns. */
public final class Annotations {
  /** On a worker StatefulSet: UIDs of the worker pods the group was formed with; any other worker pod is a replacement. */
  public static final String MEMBERS = Labels.PREFIX + "members";
  /** Hash of what the operator last applied to an object; equal hash means no write is needed. */
  public static final String APPLIED_HASH = Labels.PREFIX + "applied-hash";

  private Annotations() {}
}
