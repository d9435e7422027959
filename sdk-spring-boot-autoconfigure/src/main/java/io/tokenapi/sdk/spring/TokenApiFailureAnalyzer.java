package io.tokenapi.sdk.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link TokenApiConfigurationException} into Boot's startup failure report. */
final class TokenApiFailureAnalyzer
    extends AbstractFailureAnalyzer<TokenApiConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, TokenApiConfigurationException cause) {
    StringBuilder description =
        new StringBuilder("The tokenapi client configuration is invalid:\n");
    for (String problem : cause.problems()) {
      description.append("\n    ").append(problem);
    }
    StringBuilder action = new StringBuilder("Fix the tokenapi properties:\n");
    for (String fix : cause.fixes()) {
      action.append("\n    ").append(fix);
    }
    return new FailureAnalysis(description.toString(), action.toString(), cause);
  }
}
