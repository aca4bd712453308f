// Labels of the admin Module Commands (gateway/whmcs/commands.ts; `command.<fn>`), without the
// spec's markers: the PHP adds "*", "**" and "->" from the generated command table.
import { defineStrings } from '../define.ts';

// prettier-ignore
export default defineStrings({
  'command.Start': {
    arabic: 'تشغيل', azerbaijani: 'Başlat', catalan: 'Engega', chinese: '启动', croatian: 'Pokreni', czech: 'Spustit', danish: 'Start', dutch: 'Starten', english: 'Start', estonian: 'Käivita',
    farsi: 'روشن کردن', french: 'Démarrer', german: 'Starten', hebrew: 'הפעל', hungarian: 'Indítás', italian: 'Avvia', macedonian: 'Стартувај', norwegian: 'Start', 'portuguese-br': 'Iniciar',
    'portuguese-pt': 'Iniciar', romanian: 'Pornește', russian: 'Запустить', spanish: 'Iniciar', swedish: 'Starta', turkish: 'Başlat', ukranian: 'Запустити',
  },
  'command.Stop': {
    arabic: 'إيقاف', azerbaijani: 'Dayandır', catalan: 'Atura', chinese: '停止', croatian: 'Zaustavi', czech: 'Zastavit', danish: 'Stop', dutch: 'Stoppen', english: 'Stop', estonian: 'Peata',
    farsi: 'خاموش کردن', french: 'Arrêter', german: 'Stoppen', hebrew: 'עצור', hungarian: 'Leállítás', italian: 'Arresta', macedonian: 'Запри', norwegian: 'Stopp', 'portuguese-br': 'Parar',
    'portuguese-pt': 'Parar', romanian: 'Oprește', russian: 'Остановить', spanish: 'Detener', swedish: 'Stoppa', turkish: 'Durdur', ukranian: 'Зупинити',
  },
  'command.Reinstall': {
    arabic: 'إعادة التثبيت', azerbaijani: 'Yenidən quraşdır', catalan: 'Reinstal·la', chinese: '重装', croatian: 'Ponovno instaliraj', czech: 'Přeinstalovat', danish: 'Geninstaller', dutch: 'Herinstalleren',
    english: 'Reinstall', estonian: 'Paigalda uuesti', farsi: 'نصب دوباره', french: 'Réinstaller', german: 'Neu installieren', hebrew: 'התקן מחדש', hungarian: 'Újratelepítés', italian: 'Reinstalla',
    macedonian: 'Инсталирај повторно', norwegian: 'Reinstaller', 'portuguese-br': 'Reinstalar', 'portuguese-pt': 'Reinstalar', romanian: 'Reinstalează', russian: 'Переустановить', spanish: 'Reinstalar',
    swedish: 'Installera om', turkish: 'Yeniden kur', ukranian: 'Перевстановити',
  },
  'command.VMSetDedicatedIp': {
    arabic: 'تعيين IP مخصص', azerbaijani: 'Xüsusi IP təyin et', catalan: 'Assigna IP dedicada', chinese: '设置专用 IP', croatian: 'Postavi namjensku IP', czech: 'Nastavit vyhrazenou IP', danish: 'Angiv dedikeret IP',
    dutch: 'Dedicated IP instellen', english: 'Set dedicated IP', estonian: 'Määra pühendatud IP', farsi: 'تنظیم IP اختصاصی', french: 'Définir l’IP dédiée', german: 'Dedizierte IP setzen', hebrew: 'הגדר IP ייעודי',
    hungarian: 'Dedikált IP beállítása', italian: 'Imposta IP dedicato', macedonian: 'Постави посветена IP', norwegian: 'Angi dedikert IP', 'portuguese-br': 'Definir IP dedicado', 'portuguese-pt': 'Definir IP dedicado',
    romanian: 'Setează IP dedicat', russian: 'Назначить выделенный IP', spanish: 'Asignar IP dedicada', swedish: 'Ange dedikerad IP', turkish: 'Özel IP ata', ukranian: 'Призначити виділений IP',
  },
  'command.VMClone': {
    arabic: 'نسخ الجهاز', azerbaijani: 'VM-i klonla', catalan: 'Clona la VM', chinese: '克隆虚拟机', croatian: 'Kloniraj VM', czech: 'Klonovat VM', danish: 'Klon VM', dutch: 'VM klonen', english: 'Clone VM',
    estonian: 'Klooni VM', farsi: 'شبیه‌سازی ماشین', french: 'Cloner la VM', german: 'VM klonen', hebrew: 'שכפל מכונה', hungarian: 'VM klónozása', italian: 'Clona VM', macedonian: 'Клонирај VM', norwegian: 'Klon VM',
    'portuguese-br': 'Clonar VM', 'portuguese-pt': 'Clonar VM', romanian: 'Clonează VM', russian: 'Клонировать ВМ', spanish: 'Clonar VM', swedish: 'Klona VM', turkish: 'VM’yi klonla', ukranian: 'Клонувати ВМ',
  },
  'command.SetCPURAM': {
    arabic: 'ضبط المعالج والذاكرة', azerbaijani: 'CPU və RAM təyin et', catalan: 'Configura CPU i RAM', chinese: '设置 CPU 和内存', croatian: 'Postavi CPU i RAM', czech: 'Nastavit CPU a RAM', danish: 'Angiv CPU og RAM',
    dutch: 'CPU en RAM instellen', english: 'Set CPU RAM', estonian: 'Määra CPU ja RAM', farsi: 'تنظیم پردازنده و حافظه', french: 'Régler CPU et RAM', german: 'CPU und RAM setzen', hebrew: 'הגדר מעבד וזיכרון',
    hungarian: 'CPU és RAM beállítása', italian: 'Imposta CPU e RAM', macedonian: 'Постави CPU и RAM', norwegian: 'Angi CPU og RAM', 'portuguese-br': 'Definir CPU e RAM', 'portuguese-pt': 'Definir CPU e RAM',
    romanian: 'Setează CPU și RAM', russian: 'Задать CPU и RAM', spanish: 'Configurar CPU y RAM', swedish: 'Ange CPU och RAM', turkish: 'CPU ve RAM ayarla', ukranian: 'Задати CPU і RAM',
  },
  'command.SetSystemDiskSize': {
    arabic: 'ضبط حجم قرص النظام', azerbaijani: 'Sistem diskinin ölçüsünü təyin et', catalan: 'Mida del disc del sistema', chinese: '设置系统磁盘大小', croatian: 'Postavi veličinu sistemskog diska', czech: 'Nastavit velikost systémového disku',
    danish: 'Angiv systemdiskens størrelse', dutch: 'Grootte systeemschijf instellen', english: 'Set System Disk Size', estonian: 'Määra süsteemiketta suurus', farsi: 'تنظیم اندازه دیسک سیستم', french: 'Taille du disque système',
    german: 'Größe der Systemfestplatte setzen', hebrew: 'הגדר גודל דיסק מערכת', hungarian: 'Rendszerlemez méretének beállítása', italian: 'Imposta dimensione disco di sistema', macedonian: 'Постави големина на системски диск',
    norwegian: 'Angi størrelse på systemdisk', 'portuguese-br': 'Definir tamanho do disco do sistema', 'portuguese-pt': 'Definir tamanho do disco do sistema', romanian: 'Setează dimensiunea discului de sistem',
    russian: 'Задать размер системного диска', spanish: 'Tamaño del disco del sistema', swedish: 'Ange systemdiskens storlek', turkish: 'Sistem diski boyutunu ayarla', ukranian: 'Задати розмір системного диска',
  },
  'command.SetSystemDiskBandwidth': {
    arabic: 'ضبط سرعة قرص النظام', azerbaijani: 'Sistem diskinin sürətini təyin et', catalan: 'Ample de banda del disc del sistema', chinese: '设置系统磁盘带宽', croatian: 'Postavi propusnost sistemskog diska', czech: 'Nastavit propustnost systémového disku',
    danish: 'Angiv systemdiskens båndbredde', dutch: 'Bandbreedte systeemschijf instellen', english: 'Set System Disk Bandwidth', estonian: 'Määra süsteemiketta ribalaius', farsi: 'تنظیم پهنای باند دیسک سیستم', french: 'Bande passante du disque système',
    german: 'Bandbreite der Systemfestplatte setzen', hebrew: 'הגדר רוחב פס לדיסק מערכת', hungarian: 'Rendszerlemez sávszélességének beállítása', italian: 'Imposta banda disco di sistema', macedonian: 'Постави пропусност на системски диск',
    norwegian: 'Angi båndbredde for systemdisk', 'portuguese-br': 'Definir largura de banda do disco do sistema', 'portuguese-pt': 'Definir largura de banda do disco do sistema', romanian: 'Setează lățimea de bandă a discului de sistem',
    russian: 'Задать пропускную способность системного диска', spanish: 'Ancho de banda del disco del sistema', swedish: 'Ange systemdiskens bandbredd', turkish: 'Sistem diski bant genişliğini ayarla', ukranian: 'Задати пропускну здатність системного диска',
  },
  'command.SetCreatedAdditionalDisk': {
    arabic: 'إنشاء القرص الإضافي', azerbaijani: 'Əlavə disk yarat', catalan: 'Crea el disc addicional', chinese: '创建附加磁盘', croatian: 'Stvori dodatni disk', czech: 'Vytvořit další disk', danish: 'Opret ekstra disk',
    dutch: 'Extra schijf aanmaken', english: 'Set Created Additional Disk', estonian: 'Loo lisaketas', farsi: 'ایجاد دیسک اضافی', french: 'Créer le disque supplémentaire', german: 'Zusätzliche Festplatte anlegen', hebrew: 'צור דיסק נוסף',
    hungarian: 'További lemez létrehozása', italian: 'Crea disco aggiuntivo', macedonian: 'Создај дополнителен диск', norwegian: 'Opprett ekstra disk', 'portuguese-br': 'Criar disco adicional', 'portuguese-pt': 'Criar disco adicional',
    romanian: 'Creează discul suplimentar', russian: 'Создать дополнительный диск', spanish: 'Crear disco adicional', swedish: 'Skapa extra disk', turkish: 'Ek disk oluştur', ukranian: 'Створити додатковий диск',
  },
  'command.SetAdditionalDiskSize': {
    arabic: 'ضبط حجم القرص الإضافي', azerbaijani: 'Əlavə diskin ölçüsünü təyin et', catalan: 'Mida del disc addicional', chinese: '设置附加磁盘大小', croatian: 'Postavi veličinu dodatnog diska', czech: 'Nastavit velikost dalšího disku',
    danish: 'Angiv den ekstra disks størrelse', dutch: 'Grootte extra schijf instellen', english: 'Set Additional Disk Size', estonian: 'Määra lisaketta suurus', farsi: 'تنظیم اندازه دیسک اضافی', french: 'Taille du disque supplémentaire',
    german: 'Größe der zusätzlichen Festplatte setzen', hebrew: 'הגדר גודל דיסק נוסף', hungarian: 'További lemez méretének beállítása', italian: 'Imposta dimensione disco aggiuntivo', macedonian: 'Постави големина на дополнителен диск',
    norwegian: 'Angi størrelse på ekstra disk', 'portuguese-br': 'Definir tamanho do disco adicional', 'portuguese-pt': 'Definir tamanho do disco adicional', romanian: 'Setează dimensiunea discului suplimentar',
    russian: 'Задать размер дополнительного диска', spanish: 'Tamaño del disco adicional', swedish: 'Ange extra diskens storlek', turkish: 'Ek disk boyutunu ayarla', ukranian: 'Задати розмір додаткового диска',
  },
  'command.SetAdditionalDiskBandwidth': {
    arabic: 'ضبط سرعة القرص الإضافي', azerbaijani: 'Əlavə diskin sürətini təyin et', catalan: 'Ample de banda del disc addicional', chinese: '设置附加磁盘带宽', croatian: 'Postavi propusnost dodatnog diska', czech: 'Nastavit propustnost dalšího disku',
    danish: 'Angiv den ekstra disks båndbredde', dutch: 'Bandbreedte extra schijf instellen', english: 'Set Additional Disk Bandwidth', estonian: 'Määra lisaketta ribalaius', farsi: 'تنظیم پهنای باند دیسک اضافی', french: 'Bande passante du disque supplémentaire',
    german: 'Bandbreite der zusätzlichen Festplatte setzen', hebrew: 'הגדר רוחב פס לדיסק נוסף', hungarian: 'További lemez sávszélességének beállítása', italian: 'Imposta banda disco aggiuntivo', macedonian: 'Постави пропусност на дополнителен диск',
    norwegian: 'Angi båndbredde for ekstra disk', 'portuguese-br': 'Definir largura de banda do disco adicional', 'portuguese-pt': 'Definir largura de banda do disco adicional', romanian: 'Setează lățimea de bandă a discului suplimentar',
    russian: 'Задать пропускную способность дополнительного диска', spanish: 'Ancho de banda del disco adicional', swedish: 'Ange extra diskens bandbredd', turkish: 'Ek disk bant genişliğini ayarla', ukranian: 'Задати пропускну здатність додаткового диска',
  },
  'command.SetNetwork': {
    arabic: 'ضبط الشبكة', azerbaijani: 'Şəbəkəni təyin et', catalan: 'Configura la xarxa', chinese: '设置网络', croatian: 'Postavi mrežu', czech: 'Nastavit síť', danish: 'Angiv netværk', dutch: 'Netwerk instellen',
    english: 'Set Network', estonian: 'Määra võrk', farsi: 'تنظیم شبکه', french: 'Configurer le réseau', german: 'Netzwerk setzen', hebrew: 'הגדר רשת', hungarian: 'Hálózat beállítása', italian: 'Imposta rete',
    macedonian: 'Постави мрежа', norwegian: 'Angi nettverk', 'portuguese-br': 'Definir rede', 'portuguese-pt': 'Definir rede', romanian: 'Setează rețeaua', russian: 'Настроить сеть', spanish: 'Configurar red',
    swedish: 'Ange nätverk', turkish: 'Ağı ayarla', ukranian: 'Налаштувати мережу',
  },
  'command.SetFirewall': {
    arabic: 'ضبط الجدار الناري', azerbaijani: 'Təhlükəsizlik divarını təyin et', catalan: 'Configura el tallafoc', chinese: '设置防火墙', croatian: 'Postavi vatrozid', czech: 'Nastavit firewall', danish: 'Angiv firewall',
    dutch: 'Firewall instellen', english: 'Set Firewall', estonian: 'Määra tulemüür', farsi: 'تنظیم دیوار آتش', french: 'Configurer le pare-feu', german: 'Firewall setzen', hebrew: 'הגדר חומת אש', hungarian: 'Tűzfal beállítása',
    italian: 'Imposta firewall', macedonian: 'Постави заштитен ѕид', norwegian: 'Angi brannmur', 'portuguese-br': 'Definir firewall', 'portuguese-pt': 'Definir firewall', romanian: 'Setează firewall-ul',
    russian: 'Настроить брандмауэр', spanish: 'Configurar cortafuegos', swedish: 'Ange brandvägg', turkish: 'Güvenlik duvarını ayarla', ukranian: 'Налаштувати брандмауер',
  },
  'command.SetCloudinit': {
    arabic: 'ضبط cloud-init', azerbaijani: 'cloud-init təyin et', catalan: 'Configura cloud-init', chinese: '设置 cloud-init', croatian: 'Postavi cloud-init', czech: 'Nastavit cloud-init', danish: 'Angiv cloud-init',
    dutch: 'cloud-init instellen', english: 'Set cloud-init', estonian: 'Määra cloud-init', farsi: 'تنظیم cloud-init', french: 'Configurer cloud-init', german: 'cloud-init setzen', hebrew: 'הגדר cloud-init',
    hungarian: 'cloud-init beállítása', italian: 'Imposta cloud-init', macedonian: 'Постави cloud-init', norwegian: 'Angi cloud-init', 'portuguese-br': 'Definir cloud-init', 'portuguese-pt': 'Definir cloud-init',
    romanian: 'Setează cloud-init', russian: 'Настроить cloud-init', spanish: 'Configurar cloud-init', swedish: 'Ange cloud-init', turkish: 'cloud-init ayarla', ukranian: 'Налаштувати cloud-init',
  },
  'command.VMRemove': {
    arabic: 'حذف الجهاز', azerbaijani: 'VM-i sil', catalan: 'Elimina la VM', chinese: '删除虚拟机', croatian: 'Ukloni VM', czech: 'Odstranit VM', danish: 'Fjern VM', dutch: 'VM verwijderen', english: 'Remove VM',
    estonian: 'Eemalda VM', farsi: 'حذف ماشین', french: 'Supprimer la VM', german: 'VM entfernen', hebrew: 'הסר מכונה', hungarian: 'VM eltávolítása', italian: 'Rimuovi VM', macedonian: 'Отстрани VM', norwegian: 'Fjern VM',
    'portuguese-br': 'Remover VM', 'portuguese-pt': 'Remover VM', romanian: 'Elimină VM', russian: 'Удалить ВМ', spanish: 'Eliminar VM', swedish: 'Ta bort VM', turkish: 'VM’yi kaldır', ukranian: 'Видалити ВМ',
  },
  'command.SetDNSRecords': {
    arabic: 'ضبط سجلات DNS', azerbaijani: 'DNS qeydlərini təyin et', catalan: 'Configura els registres DNS', chinese: '设置 DNS 记录', croatian: 'Postavi DNS zapise', czech: 'Nastavit záznamy DNS', danish: 'Angiv DNS-poster',
    dutch: 'DNS-records instellen', english: 'Set DNS records', estonian: 'Määra DNS-kirjed', farsi: 'تنظیم رکوردهای DNS', french: 'Définir les enregistrements DNS', german: 'DNS-Einträge setzen', hebrew: 'הגדר רשומות DNS',
    hungarian: 'DNS-rekordok beállítása', italian: 'Imposta record DNS', macedonian: 'Постави DNS записи', norwegian: 'Angi DNS-poster', 'portuguese-br': 'Definir registros DNS', 'portuguese-pt': 'Definir registos DNS',
    romanian: 'Setează înregistrările DNS', russian: 'Задать записи DNS', spanish: 'Configurar registros DNS', swedish: 'Ange DNS-poster', turkish: 'DNS kayıtlarını ayarla', ukranian: 'Задати записи DNS',
  },
  'command.Redeploy': {
    arabic: 'إعادة النشر', azerbaijani: 'Yenidən yerləşdir', catalan: 'Redesplega', chinese: '重新部署', croatian: 'Ponovno postavi', czech: 'Znovu nasadit', danish: 'Udrul igen', dutch: 'Opnieuw uitrollen',
    english: 'Redeploy', estonian: 'Juuruta uuesti', farsi: 'استقرار دوباره', french: 'Redéployer', german: 'Neu bereitstellen', hebrew: 'פרוס מחדש', hungarian: 'Újbóli üzembe helyezés', italian: 'Ridistribuisci',
    macedonian: 'Постави повторно', norwegian: 'Rull ut på nytt', 'portuguese-br': 'Reimplantar', 'portuguese-pt': 'Reimplementar', romanian: 'Reimplementează', russian: 'Развернуть заново', spanish: 'Redesplegar',
    swedish: 'Driftsätt igen', turkish: 'Yeniden dağıt', ukranian: 'Розгорнути знову',
  },
  'command.Console': {
    arabic: 'وحدة التحكم', azerbaijani: 'Konsol', catalan: 'Consola', chinese: '控制台', croatian: 'Konzola', czech: 'Konzole', danish: 'Konsol', dutch: 'Console', english: 'Console', estonian: 'Konsool',
    farsi: 'کنسول', french: 'Console', german: 'Konsole', hebrew: 'מסוף', hungarian: 'Konzol', italian: 'Console', macedonian: 'Конзола', norwegian: 'Konsoll', 'portuguese-br': 'Console', 'portuguese-pt': 'Consola',
    romanian: 'Consolă', russian: 'Консоль', spanish: 'Consola', swedish: 'Konsol', turkish: 'Konsol', ukranian: 'Консоль',
  },
});
