/**
 * Parameter-efficient fine-tuning: LoRA with HF PEFT's options, module matching and files.
 * {@link dev.descent.peft.Lora#apply} wraps the linear layers a {@link dev.descent.peft.LoraConfig}
 * names in {@link dev.descent.peft.LoraLinear} adapters and freezes the rest; the frozen base then has no
 * gradient and no optimizer state. {@link dev.descent.peft.AdapterFiles} reads and writes PEFT's
 * {@code adapter_config.json} and {@code adapter_model.safetensors}.
 *
 * <p>Roles: the factors A and B are {@link dev.descent.nn.ParameterRole#HIDDEN_MATRIX}es, since they are
 * the 2-D weights of linear maps between hidden activations ({@code x → A x → B A x}), which is Muon's own
 * criterion for the matrices it orthogonalises; AdamW decays them as nanoGPT decays every matrix (PEFT
 * with an AdamW weight decay does the same). No optimizer here needs to tell them from other hidden
 * matrices, so no role of their own is added.
 */
package dev.descent.peft;
