// Holds this process's fd 2 while native TensorFlow loads. TensorFlow writes its start-up banner
// ("oneDNN custom operations are on", and absl's "All log messages before absl::InitializeLog()")
// straight to fd 2 before any log level applies, where no JavaScript stream can filter it. hold()
// points fd 2 at an unlinked temporary file; release() points it back and returns what was written
// meanwhile, for the caller to replay without the banner. Built by `syncgrad setup` (node-gyp).
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static napi_value fail(napi_env env, const char *what) {
  napi_throw_error(env, NULL, what);
  return NULL;
}

// hold() -> [savedFd, captureFd]
static napi_value hold(napi_env env, napi_callback_info info) {
  (void)info;
  fflush(stderr);
  FILE *tmp = tmpfile();
  if (tmp == NULL) return fail(env, "stderr gate: no temporary file");
  int capture = dup(fileno(tmp));
  fclose(tmp);
  int saved = dup(2);
  if (capture < 0 || saved < 0 || dup2(capture, 2) < 0) {
    if (capture >= 0) close(capture);
    if (saved >= 0) close(saved);
    return fail(env, "stderr gate: dup failed");
  }
  napi_value out, a, b;
  napi_create_array_with_length(env, 2, &out);
  napi_create_int32(env, saved, &a);
  napi_create_int32(env, capture, &b);
  napi_set_element(env, out, 0, a);
  napi_set_element(env, out, 1, b);
  return out;
}

// release(savedFd, captureFd) -> the text written to fd 2 since hold()
static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t saved = -1, capture = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &saved) != napi_ok || napi_get_value_int32(env, argv[1], &capture) != napi_ok) return fail(env, "stderr gate: release(saved, capture)");
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  off_t size = lseek(capture, 0, SEEK_END);
  char *text = malloc(size > 0 ? (size_t)size : 1);
  size_t got = 0;
  if (text != NULL && size > 0 && lseek(capture, 0, SEEK_SET) == 0) {
    while (got < (size_t)size) {
      ssize_t n = read(capture, text + got, (size_t)size - got);
      if (n <= 0) break;
      got += (size_t)n;
    }
  }
  close(capture);
  napi_value out;
  napi_create_string_utf8(env, text != NULL ? text : "", got, &out);
  free(text);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "hold", NAPI_AUTO_LENGTH, hold, NULL, &f);
  napi_set_named_property(env, exports, "hold", f);
  napi_create_function(env, "release", NAPI_AUTO_LENGTH, release, NULL, &f);
  napi_set_named_property(env, exports, "release", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
