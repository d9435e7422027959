package io.tokenapi.interop;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Servlet filter in front of Spring Security that records every request to the token endpoint, so
 * tests can count requests (cache behaviour) and check what the SDK put on the wire (which client
 * authentication it used).
 */
final class TokenRequestRecorder implements Filter {

  /** What the server saw of one token request. Secrets stay in here: this is test-only code. */
  record RecordedTokenRequest(
      String method,
      String contentType,
      Optional<String> authorizationScheme,
      Map<String, List<String>> form) {

    Optional<String> formValue(String name) {
      List<String> values = form.get(name);
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  private final String tokenPath;
  private final List<RecordedTokenRequest> recorded = new CopyOnWriteArrayList<>();

  TokenRequestRecorder(String tokenPath) {
    this.tokenPath = tokenPath;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    if (tokenPath.equals(http.getRequestURI())) {
      recorded.add(record(http));
    }
    chain.doFilter(request, response);
  }

  private static RecordedTokenRequest record(HttpServletRequest request) {
    // getParameterMap() parses the form body once; Tomcat caches it, so Spring still sees the
    // parameters.
    Map<String, List<String>> form = new LinkedHashMap<>();
    request.getParameterMap().forEach((name, values) -> form.put(name, List.of(values)));
    String authorization = request.getHeader("Authorization");
    Optional<String> scheme =
        authorization == null ? Optional.empty() : Optional.of(authorization.split(" ", 2)[0]);
    return new RecordedTokenRequest(
        request.getMethod(), request.getContentType(), scheme, Map.copyOf(form));
  }

  int count() {
    return recorded.size();
  }

  RecordedTokenRequest last() {
    if (recorded.isEmpty()) {
      throw new IllegalStateException("no token request recorded");
    }
    return recorded.get(recorded.size() - 1);
  }

  void clear() {
    recorded.clear();
  }
}
