"""Candidate records from gettext catalogues (.mo) of a package: per catalogue, the header entry (Last-Translator,
Language-Team, Report-Msgid-Bugs-To, ...), the translation of "translator-credits" when it holds one, and the
translations whose text matches the optional regex (credits and copyright lines translated with the program).

mopool.py NAME PREFIX START [REGEX] -- SPEC...   SPEC = package:lang:/path/in/package.mo
writes NAME.json (records keyed PREFIX<START>, ...) and prints them for reading."""
import sys,json,re,struct
from pkgs import VER,LIC
def catalogue(path):
    b=open(path,'rb').read()
    magic=struct.unpack('<I',b[:4])[0]
    e='<' if magic==0x950412de else '>'
    n,o,t=struct.unpack(e+'3I',b[8:20])
    def s(tab,i):
        ln,off=struct.unpack(e+'2I',b[tab+8*i:tab+8*i+8]); return b[off:off+ln].decode('utf-8','replace')
    return [(s(o,i),s(t,i)) for i in range(n)]
args=sys.argv[1:]
name,prefix,start=args[0],args[1],int(args[2])
sep=args.index('--'); flt=re.compile(args[3]) if sep>3 else None
out=[];seen=set()
for spec in args[sep+1:]:
    pkg,lang,path=spec.split(':')
    for msgid,msgstr in catalogue('x-%s%s'%(pkg,path)):
        if msgid=='': what='header'
        elif msgid=='translator-credits': what='translator-credits'
        elif flt and flt.search(msgstr): what='message'
        else: continue
        t=msgstr.split('\x00')[0].rstrip('\n')
        if not t.strip() or t in seen or t=='translator-credits': continue
        seen.add(t)
        out.append({'key':'%s%d'%(prefix,start+len(out)),'lang':lang,'source':'%s %s: %s (%s)'%(pkg,VER[pkg],path,what),
                    'licence':LIC[pkg],'sec':what,'text':t})
json.dump(out,open(name+'.json','w'),ensure_ascii=False,indent=0)
for o in out: print('%s [%s]\n%s'%(o['key'],o['source'],o['text']))
