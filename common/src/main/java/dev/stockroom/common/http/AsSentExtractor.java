package dev.stockroom.common.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * A request's parameters as the client sent them, decoded once as HTTP says (Vert.x's query and
 * path decoding, header values as they are), for the contract's validators. The library's own
 * extractor URL-decodes header values and decodes query values a second time: {@code %2541} was
 * searched as {@code A}, {@code Zed%20100%25} ("Zed 100%") was a 400 "can't decode", and a header
 * {@code %41} arrived as {@code A}.
 */
final class AsSentExtractor implements RequestExtractor {
  @Override
  public Future<ValidatableRequest> extractValidatableRequest(
      RoutingContext ctx, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      String name = p.getName();
      switch (p.getIn()) {
        case COOKIE -> {
          var cookie = ctx.request().getCookie(name);
          cookies.put(name, new RequestParameterImpl(cookie == null ? null : cookie.getValue()));
        }
        case HEADER -> {
          if (ctx.request().headers().getAll(name).size() > 1) {
            return givenTwice("header", name, "");
          }
          headers.put(name, new RequestParameterImpl(ctx.request().getHeader(name)));
        }
        case PATH -> path.put(name, new RequestParameterImpl(ctx.pathParam(name)));
        case QUERY -> {
          if (!(p.isExplode() && p.getSchemaType() == SchemaType.ARRAY)
              && ctx.queryParams().getAll(name).size() > 1) {
            return givenTwice(
                "query",
                name,
                p.getSchemaType() == SchemaType.ARRAY ? ", its values separated by commas" : "");
          }
          query.put(name, new RequestParameterImpl(queryValue(ctx, p)));
        }
      }
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return Future.succeededFuture(
        new ValidatableRequestImpl(
            cookies,
            headers,
            path,
            query,
            new RequestParameterImpl(body),
            ctx.request().getHeader("Content-Type")));
  }

  /**
   * A parameter given more than once where the contract takes one: only the first would be read
   * (two Idempotency-Keys placed under the first and a retry with the second placed again; {@code
   * ?ids=a&ids=b} answered for a alone, b neither found nor missing).
   */
  private static Future<ValidatableRequest> givenTwice(String in, String name, String hint) {
    return Future.failedFuture(
        Problem.badRequest(
            in + " " + name, name + " is given more than once; give it once" + hint));
  }

  /**
   * An exploded array ({@code ?id=a&id=b}) joined as its unexploded form, which the validator's
   * transformer splits; any other parameter's first value.
   */
  private static String queryValue(RoutingContext ctx, Parameter p) {
    if (p.isExplode() && p.getSchemaType() == SchemaType.ARRAY) {
      java.util.List<String> all = ctx.queryParams().getAll(p.getName());
      return all.isEmpty() ? null : String.join(",", all);
    }
    return ctx.queryParams().get(p.getName());
  }
}
