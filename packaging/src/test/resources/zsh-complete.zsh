# zsh-complete.zsh FPATH_DIR LINE EXPECTED [LINE EXPECTED …]
# Types LINE and TAB into an interactive zsh (compinit, FPATH_DIR first in fpath) and prints
# "ok: LINE" when the command line then shows EXPECTED (within 20 s), "fail: LINE: <screen>" otherwise.
zmodload zsh/zpty
dir=$1; shift
zpty z zsh -f -i
zpty -w z "PS1='>'; fpath=($dir \$fpath); autoload -U compinit; compinit -u -D; setopt nolistbeep"
zpty -w z "for c in kldload ksnap kclone kdf kst kvm-create kvm-clone kvm-snap kvm-list kvm-delete kube-network kube-setup kube-init kube-join kube-reset kube-status kube-load-images; do eval \"\$c() { :; }\"; done"
while (( $# >= 2 )); do
  line=$1 expected=$2; shift 2
  zpty -w -n z "${line}"$'\t'
  out="" deadline=$((SECONDS + 20))
  while (( SECONDS < deadline )) && [[ $out != *"$expected"* ]]; do
    zpty -r -t z chunk && out+=$chunk || sleep 0.1
  done
  if [[ $out == *"$expected"* ]]; then print -r -- "ok: $line"; else print -r -- "fail: $line: ${(q)out[-200,-1]}"; fi
  zpty -w -n z $'\C-u'
  sleep 0.3; while zpty -r -t z chunk; do :; done
done
zpty -d z
