"""Golden values for TokenLossesTest (F.weightedCrossEntropy), computed with PyTorch 1.13 independently of the Java code.

logits z[i][j] = float32(2 sin(0.7 i + 1.3 j)), B = 2, T = 4, V = 5; run: /usr/bin/python3 bench/golden/weighted_ce_golden.py
"""
import math, torch
B, T, V = 2, 4, 5
z = torch.tensor([[2 * math.sin(0.7 * i + 1.3 * j) for j in range(V)] for i in range(B * T)], dtype=torch.float32, requires_grad=True)
targets = torch.tensor([1, -1, 4, 0, 2, 3, -1, 1])
w = torch.tensor([0.5, 2, -1, 1.5, 1, -0.25, 3, 0.75])
mask = torch.tensor([1, 1, 1, 1, 0, 1, 1, 1], dtype=torch.float32)
m = mask * (targets != -1).float()
l = torch.nn.functional.cross_entropy(z, targets.clamp(min=0), reduction='none')  # masked entries multiplied by 0 below
lw = (l * w * m).view(B, T)
mv = m.view(B, T)
res = {
    'SUM': lw.sum(),
    'MEAN': lw.sum() / mv.sum(),
    'SEQUENCE_MEAN': (lw.sum(-1) / mv.sum(-1).clamp(min=1)).mean(),
}
for k, v in res.items():
    g, = torch.autograd.grad(v, z, retain_graph=True)
    print(k, repr(v.item()), 'grad row 2:', [repr(x) for x in g[2].tolist()])
