package io.deepseek.operator.model;

/**
 * How the operator renders the pods of a revision. A revision keeps the version it was first rendered with (recorded on its
 * ControllerRevision), so an operator upgrade that renders pods differently never changes the pods of a running revision
 * (which would restart every serving group); the new rendering arrives with the next change of the spec, rolled group by
 * group like any other.
 */
public final class RenderVersion {
  /** Pods as rendered before versions were recorded: no securityContext hardening, SGLang's API key as a flag. */
  public static final int LEGACY = 1;
  /**
   * RuntimeDefault seccomp, no privilege escalation, every capability dropped but IPC_LOCK with RDMA; SGLang reads its API
   * key from a file made at start, never from its command line.
   */
  public static final int HARDENED = 2;
  /**
   * Leaders drain when their group goes: a preStop hook keeps them serving for spec.shutdown.drainDelay after they leave
   * the client Service, and the pod's grace period gives the requests in flight spec.shutdown.gracePeriod to finish.
   * SGLang's /health answers without a generation through the queue, so that load never fails a probe.
   */
  public static final int DRAINING = 3;
  /**
   * Flags in the spelling of the engine release the image runs (its tag, or spec.engine.version): SGLang 0.5.23 and later
   * get --attn-dp-size instead of the deprecated --dp-size with --enable-dp-attention. The pinned releases render as before.
   */
  public static final int VERSIONED_FLAGS = 4;
  /** What a new revision gets. */
  public static final int CURRENT = VERSIONED_FLAGS;

  private RenderVersion() {}

  /** The version recorded in a label value; LEGACY when there is none or it is not a number. */
  public static int parse(String label) {
    if (label == null) {
      return LEGACY;
    }
    try {
      return Math.max(LEGACY, Math.min(CURRENT, Integer.parseInt(label)));
    } catch (NumberFormatException e) {
      return LEGACY;
    }
  }
}
