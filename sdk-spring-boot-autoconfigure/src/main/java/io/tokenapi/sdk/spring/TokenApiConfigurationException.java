package io.tokenapi.sdk.spring;

import java.util.List;

/**
 * Thrown at startup when {@code tokenapi.*} properties cannot make a working client. Boot's failure
 * analysis prints each problem with the property it concerns and the fix. Messages name properties,
 * never a secret's value.
 */
public final class TokenApiConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Each problem, one line: the property, what is wrong with it. */
  private final List<String> problems;

  /** Each fix, one line, in the order of the problems. */
  private final List<String> fixes;

  TokenApiConfigurationException(List<String> problems, List<String> fixes) {
    super("Invalid tokenapi configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
    this.fixes = List.copyOf(fixes);
  }

  /**
   * What is wrong, one entry per problem, each naming its property.
   *
   * @return the problems, never empty
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * How to fix each problem, in the same order as {@link #problems()}.
   *
   * @return the fixes
   */
  public List<String> fixes() {
    return fixes;
  }
}
