package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code kubectl kustomize}, the renderer {@code kubectl apply -k} uses: {@code $KUBECTL}
 * when set ({@code .ci/run} sets it to a pinned 1.32.3 from {@code .ci/kubectl}), otherwise the
 * kubectl on the PATH. Rendering is offline: it needs no cluster.
 */
final class Kubectl {
  private static final String HINT =
      "the k8s tests render the overlays with kubectl kustomize (kubectl 1.27 or newer): put one"
          + " on the PATH, or export KUBECTL=\"$(.ci/kubectl)\" for the pinned one .ci/run uses";

  private Kubectl() {}

  static Path executable() {
    String configured = System.getenv("KUBECTL");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("KUBECTL=" + configured + " is not executable; " + HINT);
      }
      return path;
    }
    return K8sTree.onPath("kubectl")
        .orElseThrow(() -> new IllegalStateException("no kubectl: " + HINT));
  }

  /** {@code kubectl kustomize DIR}: the objects the overlay applies, as plain trees. */
  static List<ObjectNode> kustomize(Path dir) {
    try {
      Process process =
          new ProcessBuilder(executable().toString(), "kustomize", dir.toString()).start();
      // stderr is small (an error message); read it after stdout, which may be large.
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "kubectl kustomize "
                + K8sTree.K8S.relativize(dir)
                + " failed: "
                + new String(err, StandardCharsets.UTF_8).strip());
      }
      return K8sTree.objects(new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("running kubectl kustomize " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted rendering " + dir, e);
    }
  }
}
