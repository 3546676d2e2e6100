package dev.descent.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An indexed list of modules named "0", "1", … (as {@code torch.nn.ModuleList}). A module replaced
 * through {@link Module#replace} takes its predecessor's index; it should be usable as an {@code M}
 * wherever the list is read as one.
 */
public final class ModuleList<M extends Module> extends Module {
    private final List<Module> items = new ArrayList<>();

    public M add(M m) {
        module(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    @SuppressWarnings("unchecked")
    public M get(int i) { return (M) items.get(i); }

    public int size() { return items.size(); }

    @SuppressWarnings("unchecked")
    public List<M> items() { return Collections.unmodifiableList((List<M>) (List<?>) items); }

    /** The modules in order, as registered or replaced (no assumption about their type). */
    public List<Module> modules() { return Collections.unmodifiableList(items); }

    @Override
    void replaced(String name, Module old, Module replacement) {
        items.set(Integer.parseInt(name), replacement);
    }
}
