# scimconform reference server image (`make image` builds it as
# scimconform-reference:dev).
#
# There may be no image registry, so nothing is pulled and there is no
# `FROM golang` build stage: the Makefile builds a static binary on the host
#   CGO_ENABLED=0 GOOS=linux go build -tags nomsgpack -trimpath -ldflags "-s -w" -o bin/scimconform-linux .
# and this file only copies it into an empty image (.dockerignore keeps the
# build context to that file and .dockerignore itself).
#
# Run:  docker run --rm -p 127.0.0.1:8080:8080 -e SCIMCONFORM_TOKEN=... scimconform-reference:dev
# The SCIM API is at http://127.0.0.1:8080/scim/v2; the token (Bearer) comes
# from SCIMCONFORM_TOKEN. Data lives in memory and is gone with the container,
# unless SCIMCONFORM_DB names a PostgreSQL database (several containers may
# share it; the schema is migrated at start):
#   docker run ... -e SCIMCONFORM_DB='postgres://scim:PW@db.example:5432/scim' scimconform-reference:dev
#
# The image also runs the harness as UID 65534. Its working directory /work
# belongs to that user, so the default --out (scimconform-report) is
# /work/scimconform-report; mount a directory there to keep the reports
# (it must be writable by UID 65534, or pass --user "$(id -u):$(id -g)"):
#   docker run --rm --network host --user "$(id -u):$(id -g)" -e SCIMCONFORM_TOKEN \
#     -v "$PWD/scimconform-report:/work/scimconform-report" scimconform-reference:dev run --url http://127.0.0.1:8080/scim/v2
FROM scratch
COPY bin/scimconform-linux /scimconform
# FROM scratch has no RUN: copying a small file with --chown is how /work
# comes to belong to the non-root user (the binary stays root's).
COPY --chown=65534:65534 .dockerignore /work/.dockerignore
USER 65534:65534
WORKDIR /work
EXPOSE 8080
ENV SCIMCONFORM_DB=:memory:
ENTRYPOINT ["/scimconform"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
