package dev.stockroom.loadtest.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefusalCounterTest {
  @Test
  void sumsEvery503SeriesAndNothingElse() {
    String text =
        """
        # TYPE vertx_http_server_requests_total counter
        vertx_http_server_requests_total{code="201",method="POST",route="/orders",service="orders"} 900.0
        vertx_http_server_requests_total{code="503",method="POST",route="/orders",service="orders"} 41.0
        vertx_http_server_requests_total{code="503",method="GET",route="",service="orders"} 2.0
        vertx_http_server_response_time_seconds_count{code="503",method="POST"} 7.0
        """;
    assertThat(RefusalCounter.sum503(text)).isEqualTo(43);
  }
}
