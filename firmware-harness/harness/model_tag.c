/* model_tag.c: which MLPerf Tiny model a plan is, from its graph I/O shapes.
 *
 * The `profile` command answers m-model-[kws01|vww01|ic01|ad01]; a plan does
 * not carry the tag, but the four reference models have distinct I/O shapes
 * (golden/manifest.json), so the shapes identify them. A different model
 * with the same shapes would be mistaken for the reference one: the tag is a
 * label for the MLPerf runner, not an identity (hb-info's sha256 is). */
#include "harness.h"

typedef struct {
  const char *tag;
  int32_t in[HB_MAX_DIMS];  /* int8 input shape, trailing dims 0 = absent */
  int32_t out[HB_MAX_DIMS]; /* int8 output shape */
} model_shape;

static const model_shape kModels[] = {
    {"kws01", {1, 49, 10, 1}, {1, 12, 0, 0}}, /* DS-CNN keyword spotting */
    {"vww01", {1, 96, 96, 3}, {1, 2, 0, 0}},  /* MobileNet visual wake words */
    {"ic01", {1, 32, 32, 3}, {1, 10, 0, 0}},  /* ResNet-8 image classification */
    {"ad01", {1, 640, 0, 0}, {1, 640, 0, 0}}, /* FC autoencoder anomaly detection */
};

static int shape_is(const hb_tensor *t, const int32_t *want) {
  uint32_t ndim = 0;
  while (ndim < HB_MAX_DIMS && want[ndim] != 0) ++ndim;
  if (t->ndim != ndim || t->dtype != HB_DT_INT8) return 0;
  for (uint32_t d = 0; d < ndim; ++d) {
    if (t->dims[d] != want[d]) return 0;
  }
  return 1;
}

const char *hb_harness_model_tag(const hb_plan *plan) {
  if (plan->header->n_inputs != 1u || plan->header->n_outputs != 1u) return 0;
  const hb_tensor *in = &plan->tensors[hb_plan_input(plan, 0)];
  const hb_tensor *out = &plan->tensors[hb_plan_output(plan, 0)];
  for (uint32_t i = 0; i < sizeof(kModels) / sizeof(kModels[0]); ++i) {
    if (shape_is(in, kModels[i].in) && shape_is(out, kModels[i].out)) return kModels[i].tag;
  }
  return 0;
}
