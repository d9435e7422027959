package io.tokenapi.sdk;

import static io.tokenapi.sdk.RetryTesting.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The fetch pipeline only calls down: no stage holds a reference to a stage above it. Checked two
 * ways: by the declared types of every field of every stage (and of its nested classes), and by
 * walking the object graph of a running client from each stage, through lambdas, arrays and
 * resilience4j's objects (its Retry holds the pipeline's lambdas), which is where a back-reference
 * such as {@code () -> cache.peek()} hides.
 */
class PipelineShapeTest {
  /**
   * The stages of one client, top to bottom. TenantTokens' classes are left out here: a {@link
   * Tenant} is by design both its cache's holder and that cache's {@link TokenSource} (it assembles
   * the stages below per fetch, one object per tenant to keep 100,000 tenants small), so a
   * TokenSource field would count as a path up; {@link PipelineRulesTest} checks their bytecode.
   */
  private static final List<Class<?>> STAGES =
      List.of(
          OAuthClient.class,
          ClientAssembly.class,
          TokenCache.class,
          SharedTokenFetcher.class,
          RetryingTokenSource.class,
          TokenEndpoint.class);

  /** Bound on the objects one walk visits, so the walk ends whatever it finds. */
  private static final int MAX_OBJECTS = 200_000;

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void noStage_declaresAFieldThatCouldHoldAStageAboveIt() {
    List<String> violations = new ArrayList<>();
    for (int level = 0; level < STAGES.size(); level++) {
      for (Class<?> owner : withNestedClasses(STAGES.get(level))) {
        for (Field field : owner.getDeclaredFields()) {
          for (Class<?> type : mentionedClasses(field.getGenericType())) {
            for (int above = 0; above < level; above++) {
              Class<?> stage = STAGES.get(above);
              // The field names a stage above (or a subtype), or a supertype a stage above has
              // (TokenSource, say, if the cache implemented it); Object fields hold no stage.
              if (stage.isAssignableFrom(type)
                  || (type != Object.class && type.isAssignableFrom(stage))) {
                violations.add(owner.getName() + "." + field.getName() + " -> " + stage.getName());
              }
            }
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void noStage_reachesAStageAboveIt_inARunningClientWithATokenStore() {
    server.enqueue(token("t1"));
    try (OAuthClient client = builder().tokenStore(new InMemoryTokenStore()).build()) {
      client.getToken();

      assertNoPathUp(client);
    }
  }

  @Test
  void noStage_reachesAStageAboveIt_inARunningClientWithoutAStore() {
    server.enqueue(token("t1"));
    try (OAuthClient client = builder().build()) {
      client.getToken();

      assertNoPathUp(client);
    }
  }

  private OAuthClient.Builder builder() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("shape-id")
        .clientSecret("shape-secret");
  }

  /** Every stage instance of the client is found, and none reaches a stage above its own. */
  private static void assertNoPathUp(OAuthClient client) {
    Map<Object, String> stages = reachable(client, null);
    List<Class<?>> found = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    for (Object stage : stages.keySet()) {
      int level = level(stage);
      if (level < 0) {
        continue;
      }
      found.add(stage.getClass());
      Map<Object, String> below = reachable(stage, stage.getClass().getSimpleName());
      for (Map.Entry<Object, String> e : below.entrySet()) {
        int other = level(e.getKey());
        if (other >= 0 && other < level) {
          violations.add(e.getValue() + " is a " + e.getKey().getClass().getSimpleName());
        }
      }
    }
    assertThat(found).as("stages found from the client").contains(TokenCache.class);
    assertThat(found).contains(RetryingTokenSource.class, TokenEndpoint.class);
    assertThat(violations).isEmpty();
  }

  private static int level(Object o) {
    return STAGES.indexOf(o.getClass());
  }

  /**
   * Every object reachable from {@code root} through fields and array elements, with the path that
   * reached it. Only the SDK's objects (lambdas included), resilience4j's and arrays are walked;
   * the rest are leaves (the JDK's fields are closed to reflection, and OkHttp's hold none of ours
   * outside JDK collections): a stage kept in a JDK container is caught by the declared-type check
   * instead, whose type arguments name it.
   */
  private static Map<Object, String> reachable(Object root, String rootName) {
    Map<Object, String> seen = new IdentityHashMap<>();
    Deque<Object> todo = new ArrayDeque<>();
    seen.put(root, rootName == null ? root.getClass().getSimpleName() : rootName);
    todo.add(root);
    while (!todo.isEmpty() && seen.size() < MAX_OBJECTS) {
      Object o = todo.poll();
      String path = seen.get(o);
      Class<?> c = o.getClass();
      if (c.isArray()) {
        if (!c.getComponentType().isPrimitive()) {
          Object[] array = (Object[]) o;
          for (int i = 0; i < array.length; i++) {
            visit(array[i], path + "[" + i + "]", seen, todo);
          }
        }
        continue;
      }
      for (; c != null; c = c.getSuperclass()) {
        if (!isWalked(c)) {
          break;
        }
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
            continue;
          }
          try {
            f.setAccessible(true);
            visit(f.get(o), path + "." + f.getName(), seen, todo);
          } catch (RuntimeException | IllegalAccessException closed) {
            // A module that does not open its internals: nothing of ours lives only there.
          }
        }
      }
    }
    return seen;
  }

  private static void visit(Object value, String path, Map<Object, String> seen, Deque<Object> t) {
    if (value != null
        && !seen.containsKey(value)
        && (value.getClass().isArray() || isWalked(value.getClass()))) {
      seen.put(value, path);
      t.add(value);
    }
  }

  private static boolean isWalked(Class<?> c) {
    String name = c.getName();
    return name.startsWith("io.tokenapi.") || name.startsWith("io.github.resilience4j.");
  }

  private static List<Class<?>> withNestedClasses(Class<?> c) {
    List<Class<?>> all = new ArrayList<>();
    all.add(c);
    for (Class<?> nested : c.getDeclaredClasses()) {
      all.addAll(withNestedClasses(nested));
    }
    return all;
  }

  /** The classes a field's declared type names: itself, its type arguments, array components. */
  private static List<Class<?>> mentionedClasses(Type type) {
    List<Class<?>> out = new ArrayList<>();
    if (type instanceof Class<?>) {
      Class<?> c = (Class<?>) type;
      out.add(c.isArray() ? c.getComponentType() : c);
      if (c.isArray()) {
        out.addAll(mentionedClasses(c.getComponentType()));
      }
    } else if (type instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) type;
      out.addAll(mentionedClasses(p.getRawType()));
      for (Type arg : p.getActualTypeArguments()) {
        out.addAll(mentionedClasses(arg));
      }
    } else if (type instanceof GenericArrayType) {
      out.addAll(mentionedClasses(((GenericArrayType) type).getGenericComponentType()));
    } else if (type instanceof WildcardType) {
      for (Type bound : ((WildcardType) type).getUpperBounds()) {
        out.addAll(mentionedClasses(bound));
      }
    }
    return out;
  }
}
