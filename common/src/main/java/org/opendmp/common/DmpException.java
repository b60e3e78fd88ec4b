package org.opendmp.common;

/**
 * The one unchecked exception of OpenDMP. Messages are shaped "Cannot do what: why (where)" so that the CLI can
 * print them as a single line.
 */
public class DmpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DmpException(String message) {
    super(message);
  }

  public DmpException(String message, Throwable cause) {
    super(message, cause);
  }
}
