# Cases for checks/deploy.ts: shared infrastructure.

# flag: deploy.kubectl
kubectl apply -f k8s/
# flag: deploy.kubectl-secrets
kubectl get secrets
# ok: kubectl's own version
kubectl version
# flag: deploy.helm
helm upgrade app ./chart
# ok: rendering a chart
helm template ./chart
# flag: deploy.infrastructure
terraform apply -auto-approve
# ok: a plan changes nothing
terraform plan
# flag: deploy.cloud
aws s3 ls
# flag: deploy.cloud-credentials
aws sts get-session-token
# flag: deploy.gh-publish
gh gist create notes.txt
# flag: deploy.gh-token
gh auth token
# flag: deploy.gh-change
gh release create v1.0
# flag: deploy.gh-network
gh pr list
