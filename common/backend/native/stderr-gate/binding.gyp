{
  "targets": [
    {
      "target_name": "stderr_gate",
      "sources": ["stderr_gate.c"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
