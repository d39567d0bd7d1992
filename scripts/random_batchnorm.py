"""Random eval statistics for BatchNorm, shared by the autodiff fixtures and the torchvision zoo bench.

With PyTorch's initial statistics (mean 0, variance 1, weight 1, bias 0) a
BatchNorm in eval mode is an identity, and a gradient test would never see
its rule at work.
"""
import torch
import torch.nn as nn


def randomize_batchnorm(model, rng):
    """Non-trivial eval statistics and affine parameters, so BatchNorm is not an identity."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(torch.from_numpy(rng.normal(0.0, 0.3, c)))
                m.running_var.copy_(torch.from_numpy(rng.uniform(0.4, 2.0, c)))
                if m.affine:
                    m.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, c)))
                    m.bias.copy_(torch.from_numpy(rng.normal(0.0, 0.2, c)))
    return model
