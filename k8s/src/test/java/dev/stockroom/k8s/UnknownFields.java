package dev.stockroom.k8s;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fabric8 keeps a field it does not know (a typo, a field at the wrong level, a value of the wrong
 * type) in the {@code additionalProperties} of the object it appeared in, instead of failing. This
 * walks a parsed object graph reflectively and lists every such field with its path.
 */
final class UnknownFields {
  private UnknownFields() {}

  /**
   * @param allowed top-level keys that are not fields but meaningful to a tool (kustomize's {@code
   *     $patch})
   */
  static List<String> of(Object root, Set<String> allowed) {
    List<String> found = new ArrayList<>();
    walk(root, "", found, new IdentityHashMap<>(), allowed, true);
    return found;
  }

  private static void walk(
      Object node,
      String path,
      List<String> found,
      Map<Object, Boolean> seen,
      Set<String> allowed,
      boolean top) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen, allowed, false));
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", found, seen, allowed, false);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Class<?> type = node.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        field.setAccessible(true);
        Object value;
        try {
          value = field.get(node);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
        if (field.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
          for (Object key : extra.keySet()) {
            if (!(top && allowed.contains(String.valueOf(key)))) {
              found.add((path.isEmpty() ? "" : path.substring(1) + ".") + key);
            }
          }
        } else {
          walk(value, path + "." + field.getName(), found, seen, allowed, false);
        }
      }
    }
  }
}
