#include "suite.h"

namespace ort_lite::bench {

const std::vector<SuiteLayer>& suite_layers() {
  using conv::ConvKind;
  constexpr ConvKind kConv = ConvKind::kConv, kDeconv = ConvKind::kConvTranspose;
  static const std::vector<SuiteLayer> layers = {
      // DCGAN generator (64x64): k4 s2 p1 up-convolutions, ending in 3 output channels.
      {"dcgan_project", kDeconv, "mb1ic100ih1oc512oh4kh4sh1ph0", "", "DCGAN z -> 4x4"},
      {"dcgan_up1", kDeconv, "mb1ic512ih4oc256oh8kh4sh2ph1", "", "DCGAN 4x4 -> 8x8"},
      {"dcgan_up2", kDeconv, "mb1ic256ih8oc128oh16kh4sh2ph1", "", "DCGAN 8x8 -> 16x16"},
      {"dcgan_up3", kDeconv, "mb1ic128ih16oc64oh32kh4sh2ph1", "", "DCGAN 16x16 -> 32x32"},
      {"dcgan_rgb", kDeconv, "mb1ic64ih32oc3oh64kh4sh2ph1", "", "DCGAN last layer: 3 channels"},
      // U-Net: kernel 2 stride 2 up-convolutions and 3x3 convolutions.
      {"unet_up1", kDeconv, "mb1ic512ih16oc256oh32kh2sh2", "", "U-Net k2s2 up-conv"},
      {"unet_up2", kDeconv, "mb1ic256ih32oc128oh64kh2sh2", "", "U-Net k2s2 up-conv"},
      {"unet_up3", kDeconv, "mb1ic128ih64oc64oh128kh2sh2", "", "U-Net k2s2 up-conv"},
      {"unet_conv128", kConv, "mb1ic128ih64oc128oh64kh3ph1", "", "U-Net 3x3 conv"},
      {"unet_conv64", kConv, "mb1ic128ih128oc64oh128kh3ph1", "", "U-Net 3x3 conv after concat"},
      {"unet_deconv3", kDeconv, "mb1ic128ih32oc64oh64kh3sh2ph1_0", "",
       "k3 s2 up-conv, asymmetric crop"},
      // Super-resolution: ESPCN (sub-pixel convs) and FSRCNN's k9 s3 deconvolution.
      {"espcn_feat", kConv, "mb1ic1ih128oc64oh128kh5ph2", "", "ESPCN 5x5 on 1 channel"},
      {"espcn_mid", kConv, "mb1ic64ih128oc32oh128kh3ph1", "", "ESPCN 3x3"},
      {"espcn_shuffle", kConv, "mb1ic32ih128oc9oh128kh3ph1", "", "ESPCN r^2 = 9 channels"},
      {"fsrcnn_up", kDeconv, "mb1ic56ih64oc1kh9sh3ph3_2", "", "FSRCNN k9 s3, 1 output channel"},
      // VAE decoder.
      {"vae_up1", kDeconv, "mb1ic128ih8oc64oh16kh4sh2ph1", "", "VAE decoder"},
      {"vae_up2", kDeconv, "mb1ic64ih16oc32oh32kh4sh2ph1", "", "VAE decoder"},
      {"vae_same", kDeconv, "mb1ic64ih16oc32kh3sh2", "SAME_UPPER", "Keras-style 'same' deconv"},
      // 1-D audio: upsamplers and a vocoder's kernel 1024 stride 256 layer.
      {"audio_up8", kDeconv, "mb1ic256iw512oc128kw16sw8pw4", "", "1-D upsampler x8"},
      {"audio_up4", kDeconv, "mb1ic128iw4096oc64kw8sw4pw2", "", "1-D upsampler x4"},
      {"vocoder_k1024", kDeconv, "mb1ic1026iw224oc1kw1024sw256", "", "1-D k1024 s256 (vocoder)"},
      {"audio_conv", kConv, "mb1ic128iw8192oc128kw7pw3", "", "1-D conv"},
      // 3-D decoders.
      {"decoder3d_up1", kDeconv, "mb1ic64id8oc32od16kd4sd2pd1", "", "3-D decoder k4 s2"},
      {"decoder3d_up2", kDeconv, "mb1ic32id16oc16od32kd4sd2pd1", "", "3-D decoder k4 s2"},
      {"decoder3d_k2", kDeconv, "mb1ic64id16oc32od32kd2sd2", "", "3-D k2 s2 up-conv"},
      {"conv3d", kConv, "mb1ic32id16oc32od16kd3pd1", "", "3-D 3x3x3 conv"},
      // ResNet-style convolutions.
      {"resnet_3x3_64", kConv, "mb1ic64ih56oc64oh56kh3ph1", "", "ResNet stage 1 3x3"},
      {"resnet_3x3_256", kConv, "mb1ic256ih14oc256oh14kh3ph1", "", "ResNet stage 3 3x3"},
      {"resnet_1x1_down", kConv, "mb1ic256ih56oc64oh56kh1", "", "ResNet bottleneck 1x1"},
      {"resnet_1x1_up", kConv, "mb1ic64ih56oc256oh56kh1", "", "ResNet bottleneck 1x1"},
      {"resnet_stem", kConv, "mb1ic3ih224oc64oh112kh7sh2ph3", "", "ResNet 7x7 s2 stem"},
      {"resnet_batch8", kConv, "mb8ic128ih28oc128oh28kh3ph1", "", "batch 8 3x3"},
      // Depthwise and grouped.
      {"depthwise_conv", kConv, "g96mb1ic96ih56oc96oh56kh3ph1", "", "MobileNet depthwise 3x3"},
      {"depthwise_conv_s2", kConv, "g144mb1ic144ih56oc144oh28kh3sh2ph1", "", "MobileNet dw s2"},
      {"depthwise_deconv", kDeconv, "g64mb1ic64ih32oc64oh64kh4sh2ph1", "", "depthwise up-conv"},
      {"grouped_deconv", kDeconv, "g4mb1ic128ih16oc128oh32kh4sh2ph1", "", "grouped up-conv"},
      // Dilated.
      {"dilated_conv", kConv, "mb1ic256ih33oc256oh33kh3dh6ph6", "", "DeepLab ASPP rate 6"},
      {"dilated_deconv", kDeconv, "mb1ic64ih32oc64kh3sh2dh2ph2", "", "dilated up-conv"},
      // Few output channels (heads).
      {"head_conv_rgb", kConv, "mb1ic64ih128oc3oh128kh3ph1", "", "image head, 3 channels"},
      {"head_deconv_1", kDeconv, "mb1ic32ih64oc1oh128kh4sh2ph1", "", "mask head, 1 channel"},
  };
  return layers;
}

}  // namespace ort_lite::bench
