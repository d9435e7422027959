package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.Environment;

/**
 * Warns when an application started from Spring AOT's generated code sees {@code tokenapi.*} client
 * properties that it was not built with. Spring AOT evaluates {@code @Conditional}
 * auto-configuration at build time ({@code process-aot}): built without the properties, the
 * application has no client, no interceptor and no health entry, whatever it is started with.
 * Registered in {@code META-INF/spring.factories}, so it runs although the auto-configuration was
 * left out of the generated code.
 */
final class TokenApiAotCheck implements ApplicationListener<ContextRefreshedEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(TokenApiAotCheck.class);

  /** Created by Spring from {@code spring.factories}. */
  TokenApiAotCheck() {}

  @Override
  public void onApplicationEvent(ContextRefreshedEvent event) {
    ApplicationContext context = event.getApplicationContext();
    if (context.getParent() != null || !AotDetector.useGeneratedArtifacts()) {
      return;
    }
    check(context.getEnvironment(), context);
  }

  static void check(Environment environment, ApplicationContext context) {
    boolean single = OnTokenApiClientsCondition.isSet(environment, "tokenapi.client");
    boolean any = single || OnTokenApiClientsCondition.isSet(environment, "tokenapi.clients");
    if (!any) {
      return;
    }
    boolean clients =
        BeanFactoryUtils.beanNamesForTypeIncludingAncestors(context, OAuthClients.class).length > 0;
    if (!clients) {
      LOG.warn(
          "tokenapi: tokenapi.client.* or tokenapi.clients.* properties are set, but this"
              + " application runs on Spring AOT's generated code (spring.aot.enabled=true), which"
              + " was built without them: Spring AOT decides auto-configuration at build time, so"
              + " there is no tokenapi client, interceptor or health entry, and requests go out"
              + " without a token. Set the tokenapi.* properties (placeholder values will do) when"
              + " running process-aot (spring-boot:process-aot), then build again.");
    } else if (single
        && BeanFactoryUtils.beanNamesForTypeIncludingAncestors(context, OAuthClient.class).length
            == 0) {
      LOG.warn(
          "tokenapi: tokenapi.client.* properties are set, but this application runs on Spring"
              + " AOT's generated code (spring.aot.enabled=true), built without them, so there is"
              + " no OAuthClient bean for them. Set tokenapi.client.* when running process-aot,"
              + " then build again; or inject OAuthClients and call get(\"default\").");
    }
  }
}
