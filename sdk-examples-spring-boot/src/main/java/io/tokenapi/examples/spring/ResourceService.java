package io.tokenapi.examples.spring;

import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/** Calls the resource API; the starter's interceptor adds the bearer token. */
@Service
class ResourceService {
  // README spring-restclient: begin
  private final RestClient rest;

  ResourceService(RestClient.Builder builder) { // Boot's builder: the token interceptor is on it
    this.rest = builder.build();
  }

  String fetch(String url) { // "Authorization: Bearer ..." for hosts in allowed-hosts only
    return rest.get().uri(url).retrieve().body(String.class);
  }
  // README spring-restclient: end
}
