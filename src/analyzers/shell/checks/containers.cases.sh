# Cases for checks/containers.ts: containers reaching the host.

# flag: containers.docker-socket
docker run -v /var/run/docker.sock:/var/run/docker.sock alpine
# flag: containers.host-access
docker run --privileged alpine
# flag: containers.host-access
docker run -v /:/host alpine
# ok: a container with a workspace mount
docker run --rm -v ./src:/src alpine ls /src
# flag: containers.host-root
ctr run --mount type=bind,src=/,dst=/host,options=rbind img x
# flag: containers.publish
docker push registry.example.com/app:1
# flag: containers.publish
docker login registry.example.com
# ok: pulling an image
docker pull alpine:3
# flag: containers.build-dynamic
docker build -f "$DOCKERFILE" .
# ok: building the workspace's Dockerfile
docker build -t app .
