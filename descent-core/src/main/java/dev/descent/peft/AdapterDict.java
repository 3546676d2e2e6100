package dev.descent.peft;

import dev.descent.nn.Module;

/** The per-adapter modules of a LoRA layer under their adapter names, as PEFT's {@code lora_A}/{@code lora_B} ModuleDicts ({@code lora_A.default.weight}). */
final class AdapterDict extends Module {
    <M extends Module> M put(String adapterName, M m) {
        return module(adapterName, m);
    }
}
