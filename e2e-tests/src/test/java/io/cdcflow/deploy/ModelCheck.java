package io.cdcflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Finds fields a typed model did not know: fabric8 models keep them in {@code additionalProperties}, so a
 * misspelt key ({@code livenesProbe}) would load silently and be ignored by Kubernetes; this walk reports it.
 */
final class ModelCheck {

    private ModelCheck() {
    }

    static void noUnknownFields(Collection<?> roots) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        roots.forEach(r -> walk(r, r.getClass().getSimpleName(), seen));
    }

    private static void walk(Object o, String where, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, where + "[" + i++ + "]", seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, where + "." + k, seen));
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || Modifier.isStatic(g.getModifiers()) || !g.getName().startsWith("get")
                    || g.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = g.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (g.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) v).as("unknown fields in %s", where).isNullOrEmpty();
            } else {
                walk(v, where + "." + g.getName().substring(3), seen);
            }
        }
    }
}
