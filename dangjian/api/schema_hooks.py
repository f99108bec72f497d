"""drf-spectacular postprocessing: the error answers every operation may give, documented once.

400 (field → Chinese messages), 401/403 (``detail``), 404 (``detail``), 429 (``detail``), so that a
client (and schemathesis, in ``make test``) knows every status the API can answer.
"""
from __future__ import annotations

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "字段 → 中文说明列表；non_field_errors 为整体错误",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                       {"type": "string"}, {"type": "object"}]},
}
ERRORS = {
    "400": ("请求有误：按字段列出中文说明", "FieldErrors"),
    "401": ("未认证或密钥无效、过期、已吊销", "Detail"),
    "403": ("没有权限（范围内只读、只读密钥写入、角色不符）", "Detail"),
    "404": ("对象不存在或不在您的管理范围内", "Detail"),
    "429": ("调用过于频繁", "Detail"),
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Detail", DETAIL)
    components.setdefault("FieldErrors", FIELD_ERRORS)
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in ERRORS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                })
    return result
