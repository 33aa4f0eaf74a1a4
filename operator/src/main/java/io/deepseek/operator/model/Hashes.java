package io.deepseek.operator.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable content hashes: the same object always serializes, and so hashes, the same way. */
public final class Hashes {
  private Hashes() {}

  /**
   * First {@code length} hex digits of the SHA-256 of the object's canonical JSON. The JSON goes straight into the
   * digest, never into an array: every reconcile hashes every object it would write (a restart with 1000 deployments
   * hashes some 5000), and the arrays were 5% of what a restart allocated.
   */
  public static String of(Object value, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (OutputStream json = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
        Json.MAPPER.writeValue(json, value);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, length);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("cannot hash " + value.getClass().getSimpleName(), e);
    }
  }

  public static String ofString(String value, int length) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
