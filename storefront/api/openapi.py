"""The OpenAPI 3.1 document of /api/v1, kept next to the code that answers it."""

from __future__ import annotations

from typing import Any

from ..catalog.models import CertificateStatus, ProducerKind
from ..catalog.product_sets import GROUPS

NULLABLE_STRING = {"type": ["string", "null"]}
PLACE = {
    "type": ["object", "null"],
    "required": ["name", "full_name", "level", "code"],
    "properties": {
        "name": {"type": "string"},
        "full_name": {"type": "string"},
        "level": {"type": "string", "enum": ["province", "district", "commune"]},
        "code": {"type": "string"},
    },
}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "next", "previous"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
        },
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


PAGE_PARAMETERS = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 10000}, "Page number, from 1."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Items per page."),
]
TEXT = {"type": "string", "maxLength": 200}


def _list_operation(summary: str, item: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters + PAGE_PARAMETERS,
            "responses": {
                "200": {
                    "description": "One page of results.",
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{item}Page"}}
                    },
                },
                "400": {
                    "description": "A query parameter is not valid; the message says which.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    }


ERROR_RESPONSE = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _epcis_operation(
    summary: str, parameter: dict[str, Any], missing: str, limited: bool = False
) -> dict[str, Any]:
    """A GET answered with an EPCIS 2.0 JSON-LD document (served by storefront/trace/views.py)."""
    responses: dict[str, Any] = {
        "200": {
            "description": "The events as an EPCIS 2.0 JSON-LD document (CBV 2.0 bare words).",
            "content": {
                "application/ld+json": {"schema": {"$ref": "#/components/schemas/EPCISDocument"}}
            },
        },
        "404": {"description": missing, "content": ERROR_RESPONSE},
    }
    if limited:
        responses["429"] = {
            "description": "Too many unknown codes from this address; wait a minute.",
            "content": ERROR_RESPONSE,
        }
    return {"get": {"summary": summary, "parameters": [parameter], "responses": responses}}


EPCIS_EVENT = {
    "type": "object",
    "required": ["type", "eventID", "eventTime", "eventTimeZoneOffset", "bizStep", "readPoint"],
    "properties": {
        "type": {"type": "string", "enum": ["ObjectEvent", "TransformationEvent"]},
        "eventID": {"type": "string", "format": "uri"},
        "eventTime": {"type": "string", "format": "date-time"},
        "eventTimeZoneOffset": {"type": "string", "pattern": "^[+-][0-9]{2}:[0-9]{2}$"},
        "action": {"type": "string", "enum": ["ADD", "OBSERVE", "DELETE"]},
        "bizStep": {"type": "string"},
        "disposition": {"type": "string"},
        "epcList": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "quantityList": {"$ref": "#/components/schemas/EPCISQuantityList"},
        "inputQuantityList": {"$ref": "#/components/schemas/EPCISQuantityList"},
        "outputQuantityList": {"$ref": "#/components/schemas/EPCISQuantityList"},
        "readPoint": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "string", "format": "uri"}},
        },
        "ilmd": {"type": "object"},
    },
}
EPCIS_QUANTITY_LIST = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["epcClass"],
        "properties": {
            "epcClass": {"type": "string", "format": "uri"},
            "quantity": {"type": "number", "minimum": 0},
        },
    },
}
EPCIS_DOCUMENT = {
    "type": "object",
    "description": "EPCIS 2.0 JSON-LD; our own fields carry the ocop: prefix.",
    "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
    "properties": {
        "@context": {"type": "array", "minItems": 1},
        "type": {"const": "EPCISDocument"},
        "schemaVersion": {"const": "2.0"},
        "creationDate": {"type": "string", "format": "date-time"},
        "epcisBody": {
            "type": "object",
            "required": ["eventList"],
            "properties": {
                "eventList": {"type": "array", "items": {"$ref": "#/components/schemas/EPCISEvent"}}
            },
        },
    },
}


def openapi_document(server_url: str) -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OCOP Bắc Giang open data",
            "version": "1.0.0",
            "description": (
                "Certified OCOP products, their producers and the council decisions that certified "
                "them, and the traceability events of batches and stamps as EPCIS 2.0. Read-only; "
                "prices are whole Vietnamese đồng."
            ),
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/products": _list_operation(
                "Published OCOP products (certificate in force, producer active)",
                "Product",
                [
                    _query(
                        "stars", {"type": "integer", "minimum": 3, "maximum": 5}, "Star rating."
                    ),
                    _query("set", {"type": "integer", "minimum": 1, "maximum": 26}, "Product set."),
                    _query("group", {"type": "string", "enum": list(GROUPS)}, "Product group."),
                    _query("producer", TEXT, "Producer slug."),
                    _query("place", TEXT, "A place name, 2024 or current (Lục Ngạn, Bắc Giang)."),
                    _query("q", TEXT, "Words in the product, producer or place name."),
                ],
            ),
            "/api/v1/producers": _list_operation(
                "Active producers with at least one published product",
                "Producer",
                [
                    _query(
                        "kind", {"type": "string", "enum": [k.value for k in ProducerKind]}, "Kind."
                    ),
                    _query("place", TEXT, "A place name, 2024 or current."),
                    _query("q", TEXT, "Words in a product, producer or place name."),
                ],
            ),
            "/api/v1/certificates": _list_operation(
                "OCOP council decisions, whatever their status",
                "Certificate",
                [
                    _query(
                        "stars", {"type": "integer", "minimum": 3, "maximum": 5}, "Star rating."
                    ),
                    _query(
                        "status",
                        {"type": "string", "enum": [s.value for s in CertificateStatus]},
                        "Status today.",
                    ),
                    _query(
                        "year",
                        {"type": "integer", "minimum": 2000, "maximum": 2100},
                        "Decision year.",
                    ),
                    _query("product", TEXT, "Product slug."),
                    _query(
                        "renewal",
                        {"type": "string", "enum": ["new", "renewed"]},
                        "First recognition or re-recognition.",
                    ),
                ],
            ),
            "/api/v1/batches/{batch_id}/epcis": _epcis_operation(
                "A batch's traceability events",
                {
                    "name": "batch_id",
                    "in": "path",
                    "required": True,
                    "description": "The batch's number.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                },
                "No such batch.",
            ),
            "/api/v1/stamps/{code}/epcis": _epcis_operation(
                "A stamp's batch events and the stamp's own commissioning",
                {
                    "name": "code",
                    "in": "path",
                    "required": True,
                    "description": "The code printed on the stamp (the end of its /t/ address).",
                    "schema": {"type": "string", "maxLength": 40},
                },
                "No such stamp, or the code is not genuine.",
                limited=True,
            ),
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "title", "message"],
                            "properties": {
                                "code": {"type": "integer"},
                                "title": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Place": PLACE,
                "Product": {
                    "type": "object",
                    "required": [
                        "id",
                        "slug",
                        "name_vi",
                        "name_en",
                        "url",
                        "product_set",
                        "group",
                        "stars",
                        "certificate_status",
                        "certificate_id",
                        "producer",
                        "address_as_certified",
                        "address_now",
                        "place_2024",
                        "place_now",
                        "variants",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "slug": {"type": "string"},
                        "name_vi": {"type": "string"},
                        "name_en": NULLABLE_STRING,
                        "url": {"type": "string", "format": "uri"},
                        "product_set": {"type": "integer", "minimum": 1, "maximum": 26},
                        "product_set_name_en": {"type": "string"},
                        "group": {"type": "string", "enum": list(GROUPS)},
                        "stars": {"type": ["integer", "null"], "minimum": 3, "maximum": 5},
                        "certificate_status": {
                            "type": ["string", "null"],
                            "enum": [s.value for s in CertificateStatus] + [None],
                        },
                        "certificate_id": {"type": ["integer", "null"]},
                        "producer": {
                            "type": "object",
                            "required": ["id", "slug", "name"],
                            "properties": {
                                "id": {"type": "integer"},
                                "slug": {"type": "string"},
                                "name": {"type": "string"},
                            },
                        },
                        "address_as_certified": {"type": "string"},
                        "address_now": {"type": "string"},
                        "place_2024": {"$ref": "#/components/schemas/Place"},
                        "place_now": {"$ref": "#/components/schemas/Place"},
                        "variants": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "sku",
                                    "label_vi",
                                    "label_en",
                                    "price_vnd",
                                    "in_stock",
                                    "gtin",
                                ],
                                "properties": {
                                    "sku": {"type": "string"},
                                    "label_vi": {"type": "string"},
                                    "label_en": NULLABLE_STRING,
                                    "price_vnd": {"type": "integer", "minimum": 0},
                                    "in_stock": {"type": "boolean"},
                                    "gtin": {
                                        "type": ["string", "null"],
                                        "pattern": "^[0-9]{8,14}$",
                                    },
                                },
                            },
                        },
                    },
                },
                "Producer": {
                    "type": "object",
                    "required": [
                        "id",
                        "slug",
                        "name",
                        "kind",
                        "url",
                        "address_as_certified",
                        "address_now",
                        "place_2024",
                        "place_now",
                        "website",
                        "published_products",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "slug": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": [k.value for k in ProducerKind]},
                        "url": {"type": "string", "format": "uri"},
                        "address_as_certified": {"type": "string"},
                        "address_now": {"type": "string"},
                        "place_2024": {"$ref": "#/components/schemas/Place"},
                        "place_now": {"$ref": "#/components/schemas/Place"},
                        "website": NULLABLE_STRING,
                        "published_products": {"type": "integer", "minimum": 1},
                    },
                },
                "Certificate": {
                    "type": "object",
                    "required": [
                        "id",
                        "product",
                        "stars",
                        "score",
                        "level",
                        "issuing_body",
                        "decision_number",
                        "decision_date",
                        "valid_until",
                        "status",
                        "revoked_on",
                        "revoked_reason",
                        "renews_id",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "product": {
                            "type": "object",
                            "required": ["id", "slug", "name_vi", "producer"],
                            "properties": {
                                "id": {"type": "integer"},
                                "slug": {"type": "string"},
                                "name_vi": {"type": "string"},
                                "producer": {"type": "string"},
                            },
                        },
                        "stars": {"type": "integer", "minimum": 3, "maximum": 5},
                        "score": {"type": ["integer", "null"], "minimum": 50, "maximum": 100},
                        "level": {"type": "string", "enum": ["district", "province", "central"]},
                        "issuing_body": {"type": "string"},
                        "decision_number": {"type": "string"},
                        "decision_date": {"type": "string", "format": "date"},
                        "valid_until": {"type": "string", "format": "date"},
                        "status": {"type": "string", "enum": [s.value for s in CertificateStatus]},
                        "revoked_on": {"type": ["string", "null"], "format": "date"},
                        "revoked_reason": NULLABLE_STRING,
                        "renews_id": {"type": ["integer", "null"]},
                    },
                },
                "ProductPage": _page_of("Product"),
                "ProducerPage": _page_of("Producer"),
                "CertificatePage": _page_of("Certificate"),
                "EPCISDocument": EPCIS_DOCUMENT,
                "EPCISEvent": EPCIS_EVENT,
                "EPCISQuantityList": EPCIS_QUANTITY_LIST,
            }
        },
    }
