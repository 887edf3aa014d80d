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
aws s3 cp dist/ s3://acme-site/ --recursive
# ok: listing the account's buckets changes nothing (read-only verbs: ls, list, describe)
aws s3 ls
# ok: looking at a cluster changes nothing
kubectl get pods -n staging
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
# flag: deploy.kubectl-secrets
kubectl config view --raw -o yaml
# ok: the kubeconfig with its secrets redacted
kubectl config view --minify
