package dev.stockroom.common.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract as parsed, except that a parameter's schema validator is built once instead of on
 * every request: vertx-openapi 5.0 asks the schema repository for a new validator per parameter per
 * request, and building one walks the whole schema (6% of the low-stock report's CPU in a profile).
 * Every parameter and request-body schema of the contract gets its validator once, up front;
 * validators are immutable once built, so one map, read without locks, serves every event loop.
 * Each is wrapped so that a format check the library crashes on answers "invalid" ({@link
 * FormatCrashes}) instead of failing the request with a 500.
 */
final class ValidatorCachingContract implements OpenAPIContract {
  private final OpenAPIContract contract;
  private final SchemaRepository repository;

  ValidatorCachingContract(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = new CachingRepository(contract.getSchemaRepository(), schemasOf(contract));
  }

  /** The schemas requests are validated against: each operation's parameters and bodies. */
  private static List<JsonSchema> schemasOf(OpenAPIContract contract) {
    List<JsonSchema> schemas = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      operation.getParameters().forEach(p -> schemas.add(p.getSchema()));
      if (operation.getRequestBody() != null) {
        operation.getRequestBody().getContent().values().forEach(m -> schemas.add(m.getSchema()));
      }
    }
    return schemas;
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return repository;
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /**
   * Answers {@link #validator(JsonSchema)} from the prebuilt validators; the rest passes through.
   */
  private static final class CachingRepository implements SchemaRepository {
    private final SchemaRepository repository;
    private final Map<JsonSchema, Validator> validators;

    CachingRepository(SchemaRepository repository, List<JsonSchema> schemas) {
      this.repository = repository;
      Map<JsonSchema, Validator> built = new IdentityHashMap<>();
      schemas.forEach(schema -> built.put(schema, safe(repository, schema)));
      this.validators = Collections.unmodifiableMap(built);
    }

    private static Validator safe(SchemaRepository repository, JsonSchema schema) {
      Validator library = repository.validator(schema);
      if (!(schema instanceof JsonObject json)) {
        return library;
      }
      return value -> {
        try {
          return library.validate(value);
        } catch (RuntimeException e) {
          return FormatCrashes.explain(repository.resolve(json), value).orElseThrow(() -> e);
        }
      };
    }

    @Override
    public Validator validator(JsonSchema schema) {
      Validator prebuilt = validators.get(schema);
      return prebuilt != null ? prebuilt : repository.validator(schema);
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) {
      repository.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) {
      repository.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }
}
