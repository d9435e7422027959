package io.tokenapi.sdk.spring;

import java.util.List;

/**
 * Thrown at startup when {@code tokenapi.*} properties cannot make a working client. Boot's failure
 * analysis prints each problem with the property it concerns and the fix. Messages name properties,
 * never a secret's value.
 */
public final class TokenApiConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  // Arrays, not List: a serializable exception keeps serializable field types (JDK 25's
  // -Xlint:serial
  // reports a List field), and transient fields would come back null after deserialization.

  /** Each problem, one line: the property, what is wrong with it. */
  private final String[] problems;

  /** Each fix, one line, in the order of the problems. */
  private final String[] fixes;

  TokenApiConfigurationException(List<String> problems, List<String> fixes) {
    super("Invalid tokenapi configuration: " + String.join("; ", problems));
    this.problems = problems.toArray(String[]::new);
    this.fixes = fixes.toArray(String[]::new);
  }

  /**
   * What is wrong, one entry per problem, each naming its property.
   *
   * @return the problems, never empty
   */
  public List<String> problems() {
    return List.of(problems);
  }

  /**
   * How to fix each problem, in the same order as {@link #problems()}.
   *
   * @return the fixes
   */
  public List<String> fixes() {
    return List.of(fixes);
  }
}
