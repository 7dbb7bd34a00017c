package dev.stockroom.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.HeadlessChromium;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract as a page: Swagger UI at /docs, opened in headless Chromium, authorised with a token
 * as a person would (the Authorize dialog), and one request sent from the page.
 */
@DisplayName("API docs a person can click through")
class ApiDocsTest {
  /** Waits for a selector, as a person waits for the page to show something. */
  private static final String HELPERS =
      """
      const sleep = ms => new Promise(r => setTimeout(r, ms));
      const wait = async (find, what) => {
        for (let i = 0; i < 150; i++) {
          const found = find();
          if (found) return found;
          await sleep(100);
        }
        throw new Error('not on the page: ' + what);
      };
      const $ = (selector) => wait(() => document.querySelector(selector), selector);
      const type = (input, text) => {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        setter.call(input, text);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      };
      """;

  @Test
  @DisplayName(
      "/docs shows the contract offline; Authorize with a token, Try it out, Execute: the page"
          + " shows the service's 200")
  void authoriseAndRunARequestFromThePage() throws Exception {
    Map<String, String> env = TestServices.env("api_docs");
    RunningService inventory = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      TestHttp http = new TestHttp(inventory.port());
      assertThat(http.get("/docs/", null).status()).as("public, like /openapi.yaml").isEqualTo(200);
      String token = TestTokens.forRoles(UUID.randomUUID().toString(), "stocker");

      chromium.open("http://localhost:" + inventory.port() + "/docs");
      Object status =
          chromium.evaluate(
              "(async () => {"
                  + HELPERS
                  + """
                  (await $('.btn.authorize')).click();
                  type(await $('.auth-container input'), '%s');
                  (await $('.auth-btn-wrapper .modal-btn.authorize')).click();
                  (await $('.auth-btn-wrapper .btn-done')).click();
                  const path = await wait(() => [...document.querySelectorAll(
                      '.opblock-summary-path')].find(e =>
                      e.getAttribute('data-path') === '/items/low-stock'), 'GET /items/low-stock');
                  path.click();
                  (await $('.opblock.is-open .try-out__btn')).click();
                  (await $('.opblock.is-open .btn.execute')).click();
                  const cell = await $('.opblock.is-open .live-responses-table tbody td.response-col_status');
                  return cell.textContent.trim();
                })()
                """
                      .formatted(token),
              Duration.ofSeconds(60));
      assertThat(String.valueOf(status)).isEqualTo("200");
    } finally {
      TestServices.stop(inventory);
    }
  }
}
