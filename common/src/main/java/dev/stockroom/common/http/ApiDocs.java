package dev.stockroom.common.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;

/**
 * The service's contract as a page a person can click through: Swagger UI at {@code /docs/}, served
 * from its WebJar (no network access needed), reading {@code /openapi.yaml}. "Authorize" takes a
 * bearer token; "Try it out" sends real requests to this service.
 */
final class ApiDocs {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final Set<String> ASSETS =
      Set.of("/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js");

  private ApiDocs() {}

  static void mount(Router router, String title) {
    String page = page(title);
    // The router does not tell /docs from /docs/: one page for both, with absolute asset paths.
    for (String path : new String[] {"/docs", "/docs/index.html"}) {
      router
          .get(path)
          .handler(
              ctx ->
                  ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page));
    }
    // Only the two assets the page loads: the WebJar's own index.html and initializer would show
    // the Petstore's API, fetched from the internet.
    router
        .get("/docs/*")
        .handler(
            ctx -> {
              if (ASSETS.contains(ctx.normalizedPath())) {
                ctx.next();
              } else {
                ctx.fail(404);
              }
            })
        .handler(StaticHandler.create(WEBJAR + version()).setCachingEnabled(true));
  }

  private static String page(String title) {
    String escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>%s</title>
          <link rel="stylesheet" href="/docs/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/docs/swagger-ui-bundle.js"></script>
          <script>
            window.ui = SwaggerUIBundle({
              url: "/openapi.yaml",
              dom_id: "#swagger-ui",
              deepLinking: true,
              tryItOutEnabled: false
            });
          </script>
        </body>
        </html>
        """
        .formatted(escaped);
  }

  /** The WebJar's version, from its Maven metadata, so an upgrade needs no code change. */
  private static String version() {
    try (InputStream in =
        ApiDocs.class.getResourceAsStream(
            "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui WebJar is not on the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
