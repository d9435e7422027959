package io.tokenapi.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import mockwebserver3.MockResponse;

/**
 * One answer of the fake endpoint before it becomes a {@link MockResponse}, so faults can still
 * change its body. JSON unless a header says otherwise.
 */
final class Answer {
  private static final ObjectMapper JSON = new ObjectMapper();

  final int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  final String body;

  Answer(int status, String body) {
    this.status = status;
    this.body = body;
  }

  /** An RFC 6749 section 5.2 error body. */
  static Answer oauthError(int status, String error, String description) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("error", error);
    fields.put("error_description", description);
    return new Answer(status, json(fields));
  }

  Answer header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  Answer withBody(String newBody) {
    Answer copy = new Answer(status, newBody);
    copy.headers.putAll(headers);
    return copy;
  }

  MockResponse toMockResponse() {
    MockResponse.Builder builder = new MockResponse.Builder().code(status).body(body);
    boolean hasContentType = false;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      builder.setHeader(header.getKey(), header.getValue());
      hasContentType |= header.getKey().equalsIgnoreCase("Content-Type");
    }
    if (!hasContentType) {
      builder.setHeader("Content-Type", "application/json");
    }
    return builder.build();
  }

  static String json(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot write the answer as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static void checkStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
  }
}
