"""The SecMaster dialect: Huawei Cloud SecMaster's SOC API (routers, schemas, mapping)."""
