package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AuthorizationTest {
  @Test
  @DisplayName("a contract with an operation that declares no roles refuses to start the service")
  void undeclaredRolesFailClosed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract =
          OpenAPIContract.from(vertx, "openapi/undeclared-roles.yaml")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> Authorization.requireRolesDeclared(contract.operations()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("[emptyList, forgotten]");
      assertThatThrownBy(() -> Authorization.requireCallersDeclared(contract.operations()))
          .as("admitting the service role names which services")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageEndingWith(": [anyService]");
    } finally {
      vertx.close();
    }
  }
}
